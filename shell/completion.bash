# shellcheck shell=bash
# bash completion for ringlet: the part that runs when Tab is pressed. The tables (#@TABLES@: command
# words, options, what each argument takes) are generated from the command tree by
# src/shell/completions-gen.ts. Profiles, providers and key aliases are read from disk: no node process.
# Sections match shell/completion.zsh and shell/completion.fish.

#@TABLES@

# Adds the words of $1 that start with $2.
_ringlet_words() {
    local w IFS=$' \t\n'
    for w in $1; do
        if [[ $w == "$2"* ]]; then COMPREPLY+=("$w"); fi
    done
}

# Appends names from a glob or a cache file to _ringlet_r, each checked against the profile-name pattern
# (a name with a space or a `$` in it is not a profile, and would split or expand).
_ringlet_names() {
    local f n fg='' re='^[A-Za-z0-9][A-Za-z0-9._-]*$'
    if shopt -q failglob; then fg=1; shopt -u failglob; fi
    case $1 in
    dir)
        for f in "$2"/*/ringlet.toml; do
            n=${f%/ringlet.toml}; n=${n##*/}
            if [[ -e $f && $n =~ $re ]]; then _ringlet_r+=" $n"; fi
        done ;;
    toml)
        for f in "$2"/*.toml; do
            n=${f##*/}; n=${n%.toml}
            if [[ -e $f && $n =~ $re ]]; then _ringlet_r+=" $n"; fi
        done ;;
    lines)
        if [[ -r $2 ]]; then
            while IFS= read -r n || [[ -n $n ]]; do
                if [[ $n =~ $re ]]; then _ringlet_r+=" $n"; fi
            done <"$2"
        fi ;;
    esac
    if [[ -n $fg ]]; then shopt -s failglob; fi
}

_ringlet_values() {
    local cur=$2 home=${RINGLET_HOME:-${HOME-}/.ringlet} cfg IFS=$' \t\n'
    if [[ ${XDG_CONFIG_HOME-} == /* ]]; then cfg=$XDG_CONFIG_HOME/ringlet; else cfg=${HOME-}/.config/ringlet; fi
    _ringlet_r=
    case $1 in
    profile) _ringlet_names dir "$home/profiles" ;;
    agent) _ringlet_static agent ;;
    provider) _ringlet_static provider; _ringlet_names toml "$cfg/providers" ;;
    key-alias) _ringlet_names lines "$home/cache/key-aliases" ;;
    shell-alias) _ringlet_names lines "$home/cache/shell-aliases" ;;
    shell) _ringlet_r='bash zsh fish' ;;
    file)
        compopt -o filenames 2>/dev/null
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
        return 0 ;;
    command)
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -c -- "$cur")
        return 0 ;;
    esac
    _ringlet_words "$_ringlet_r" "$cur"
}

# Walks the words before the cursor: subcommand words extend the command path, options that take a value
# swallow the next word, other words are positionals, and "--" starts a command line of its own.
_ringlet() {
    local cur=${COMP_WORDS[COMP_CWORD]-} cpath='' w i npos=0 dd=0 want=0 _ringlet_r='' _ringlet_kind=''
    COMPREPLY=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        w=${COMP_WORDS[i]}
        if (( want )); then want=0; continue; fi
        if (( dd )); then dd=$(( dd + 1 )); continue; fi
        case $w in
        --) dd=1 ;;
        -*) if _ringlet_valopt "$cpath" "$w"; then want=1; fi ;;
        *)
            _ringlet_children "$cpath"
            if (( npos == 0 )) && [[ " $_ringlet_r " == *" $w "* ]]; then cpath=${cpath:+$cpath }$w; else npos=$(( npos + 1 )); fi ;;
        esac
    done
    if (( want )); then _ringlet_values "$_ringlet_kind" "$cur"; return 0; fi
    if (( dd == 1 )); then _ringlet_values command "$cur"; return 0; fi
    if (( dd > 1 )); then _ringlet_values file "$cur"; return 0; fi
    if [[ $cur == -* ]]; then _ringlet_options "$cpath"; _ringlet_words "$_ringlet_r" "$cur"; return 0; fi
    if (( npos == 0 )); then _ringlet_children "$cpath"; _ringlet_words "$_ringlet_r" "$cur"; fi
    _ringlet_arg "$cpath" "$npos"
    if [[ -n $_ringlet_kind ]]; then _ringlet_values "$_ringlet_kind" "$cur"; fi
    return 0
}
complete -F _ringlet ringlet
