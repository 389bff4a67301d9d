#compdef ringlet
# zsh completion for ringlet: the part that runs when Tab is pressed. The tables (#@TABLES@: command
# words, options, what each argument takes) are generated from the command tree by
# src/shell/completions-gen.ts. Profiles, providers and key aliases are read from disk: no node process.
# Sections match shell/completion.bash and shell/completion.fish.

#@TABLES@

# No `emulate -L zsh` in completion functions: it would undo the options compsys sets (_comp_options),
# and _describe stops working.
_ringlet_values() {
    setopt localoptions extendedglob nullglob
    local home=${RINGLET_HOME:-$HOME/.ringlet} cfg
    local -a names
    if [[ ${XDG_CONFIG_HOME-} == /* ]]; then cfg=$XDG_CONFIG_HOME/ringlet; else cfg=$HOME/.config/ringlet; fi
    case $1 in
    (profile) names=($home/profiles/*/ringlet.toml(N:h:t)) ;;
    (agent) _ringlet_static agent; names=($_ringlet_cands) ;;
    (provider) _ringlet_static provider; names=($_ringlet_cands $cfg/providers/*.toml(N:t:r)) ;;
    (key-alias) [[ -r $home/cache/key-aliases ]] && names=(${(f)"$(<$home/cache/key-aliases)"}) ;;
    (shell-alias) [[ -r $home/cache/shell-aliases ]] && names=(${(f)"$(<$home/cache/shell-aliases)"}) ;;
    (shell) names=(bash zsh fish) ;;
    (file) _files; return ;;
    (*) return 1 ;;
    esac
    names=(${(M)names:#[A-Za-z0-9][A-Za-z0-9._-]#})
    (( $#names )) || return 1
    compadd -a names
}

# Walks the words before the cursor like the bash version; after "--" the rest is completed as a command line.
_ringlet() {
    local cpath= w REPLY= kind=
    local -a _ringlet_cands
    integer i npos=0 dd=0 want=0 ret=1
    for (( i = 2; i < CURRENT; i++ )); do
        w=${words[i]}
        if (( want )); then want=0; continue; fi
        if [[ $w == -- ]]; then dd=$i; break; fi
        case $w in
        (-*) if _ringlet_valopt "$cpath" "$w"; then want=1; kind=$REPLY; fi ;;
        (*)
            _ringlet_children "$cpath"
            if (( npos == 0 && ${_ringlet_cands[(I)${(b)w}:*]} )); then cpath=${cpath:+$cpath }$w; else (( npos++ )); fi ;;
        esac
    done
    if (( dd )); then
        words=("${(@)words[dd+1,-1]}")
        (( CURRENT -= dd ))
        _normal
        return
    fi
    if (( want )); then _ringlet_values $kind; return; fi
    if [[ ${words[CURRENT]} == -* ]]; then
        _ringlet_options "$cpath"
        _describe -t options option _ringlet_cands && ret=0
        return ret
    fi
    if (( npos == 0 )); then
        _ringlet_children "$cpath"
        (( $#_ringlet_cands )) && _describe -t commands 'ringlet command' _ringlet_cands && ret=0
    fi
    _ringlet_arg "$cpath" $npos
    [[ -n $REPLY ]] && _ringlet_values $REPLY && ret=0
    return ret
}

# Autoloaded from fpath, the file body runs on first use; sourced or eval'd, it registers itself.
if [[ ${zsh_eval_context[-1]-} == loadautofunc ]]; then
    _ringlet "$@"
elif (( $+functions[compdef] )); then
    compdef _ringlet ringlet
fi
