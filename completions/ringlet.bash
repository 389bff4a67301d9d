# shellcheck shell=bash
# bash completion for ringlet: the part that runs when Tab is pressed. The tables (#@TABLES@: command
# words, options, what each argument takes) are generated from the command tree by
# src/shell/completions-gen.ts. Profiles, providers and key aliases are read from disk: no node process.
# Sections match shell/completion.zsh and shell/completion.fish.

# Generated from the command tree by src/shell/completions-gen.ts; edit shell/completion.* instead.
_ringlet_static() {
    case $1 in
    agent) _ringlet_r='claude codex grok droid opencode gemini' ;;
    provider) _ringlet_r='anthropic openai minimax openrouter groq xai zai moonshot google custom bedrock vertex self' ;;
    esac
}
_ringlet_children() {
    case $1 in
    '') _ringlet_r='agents alias allow attach audit completions daemon dashboard deny hooks import init keychain migrate profiles providers remotes revoke sandbox sessions shell usage' ;;
    'agents') _ringlet_r='list ls' ;;
    'alias') _ringlet_r='add list rm' ;;
    'audit') _ringlet_r='query tail verify' ;;
    'daemon') _ringlet_r='install rotate-token start status stop' ;;
    'hooks') _ringlet_r='add list remove rm test' ;;
    'keychain') _ringlet_r='list ls remove rm set' ;;
    'profiles') _ringlet_r='create env list ls remove rm run set show' ;;
    'providers') _ringlet_r='list ls' ;;
    'remotes') _ringlet_r='add attach list ls remove rm sessions' ;;
    'sandbox') _ringlet_r='check' ;;
    'sessions') _ringlet_r='kill list rm' ;;
    'shell') _ringlet_r='init' ;;
    *) _ringlet_r='' ;;
    esac
}
_ringlet_options() {
    case $1 in
    '') _ringlet_r='--help -h --version -v' ;;
    'agents list') _ringlet_r='--json --all --help -h' ;;
    'agents ls') _ringlet_r='--json --all --help -h' ;;
    'alias add') _ringlet_r='--replace --help -h' ;;
    'alias list') _ringlet_r='--json --help -h' ;;
    'alias rm') _ringlet_r='--help -h' ;;
    'allow') _ringlet_r='--help -h' ;;
    'attach') _ringlet_r='--remote --detach-key --help -h' ;;
    'audit query') _ringlet_r='--json --type --profile --since --limit --help -h' ;;
    'audit tail') _ringlet_r='-f --follow -n --lines --json --help -h' ;;
    'audit verify') _ringlet_r='--json --help -h' ;;
    'completions') _ringlet_r='--help -h' ;;
    'daemon') _ringlet_r='--listen --stay-alive --tls-cert --tls-key --help -h' ;;
    'daemon install') _ringlet_r='--print --listen --tls-cert --tls-key --help -h' ;;
    'daemon rotate-token') _ringlet_r='--help -h' ;;
    'daemon start') _ringlet_r='--help -h' ;;
    'daemon status') _ringlet_r='--json --help -h' ;;
    'daemon stop') _ringlet_r='--force --help -h' ;;
    'dashboard') _ringlet_r='--no-open --help -h' ;;
    'deny') _ringlet_r='--help -h' ;;
    'hooks add') _ringlet_r='--all-profiles --on --shell --webhook --webhook-template --script --matcher --timeout --period --limit --of --name --help -h' ;;
    'hooks list') _ringlet_r='--json --all-profiles --help -h' ;;
    'hooks remove') _ringlet_r='--all-profiles --help -h' ;;
    'hooks rm') _ringlet_r='--all-profiles --help -h' ;;
    'hooks test') _ringlet_r='--all-profiles --on --tool --input --json --help -h' ;;
    'import') _ringlet_r='--json --to --from --usage-only --help -h' ;;
    'init') _ringlet_r='--yes -y --name --help -h' ;;
    'keychain list') _ringlet_r='--json --help -h' ;;
    'keychain ls') _ringlet_r='--json --help -h' ;;
    'keychain remove') _ringlet_r='--help -h' ;;
    'keychain rm') _ringlet_r='--help -h' ;;
    'keychain set') _ringlet_r='--from-env --replace --help -h' ;;
    'migrate') _ringlet_r='--dry-run --json --yes -y --plan --undo --force --run-key-commands --config-dirs --rewrite-exports --rewrite-envrc --root --help -h' ;;
    'profiles create') _ringlet_r='--provider --key-alias --model --endpoint --custom-endpoint --wire --help -h' ;;
    'profiles env') _ringlet_r='--shell --help -h' ;;
    'profiles list') _ringlet_r='--json --help -h' ;;
    'profiles ls') _ringlet_r='--json --help -h' ;;
    'profiles remove') _ringlet_r='--yes -y --help -h' ;;
    'profiles rm') _ringlet_r='--yes -y --help -h' ;;
    'profiles run') _ringlet_r='--explain --detach --sandbox --remote --help -h' ;;
    'profiles set') _ringlet_r='--model --provider --key-alias --endpoint --binary --sandbox --meter --share --help -h' ;;
    'profiles show') _ringlet_r='--json --help -h' ;;
    'providers list') _ringlet_r='--json --help -h' ;;
    'providers ls') _ringlet_r='--json --help -h' ;;
    'remotes') _ringlet_r='--json --help -h' ;;
    'remotes add') _ringlet_r='--url --token-file --token-stdin --ca --replace --help -h' ;;
    'remotes attach') _ringlet_r='--detach-key --help -h' ;;
    'remotes list') _ringlet_r='--json --help -h' ;;
    'remotes ls') _ringlet_r='--json --help -h' ;;
    'remotes remove') _ringlet_r='--help -h' ;;
    'remotes rm') _ringlet_r='--help -h' ;;
    'remotes sessions') _ringlet_r='--json --help -h' ;;
    'revoke') _ringlet_r='--help -h' ;;
    'sandbox check') _ringlet_r='--json --help -h' ;;
    'sessions') _ringlet_r='--json --remote --help -h' ;;
    'sessions kill') _ringlet_r='--remote --help -h' ;;
    'sessions list') _ringlet_r='--json --remote --help -h' ;;
    'sessions rm') _ringlet_r='--remote --help -h' ;;
    'shell init') _ringlet_r='--cmd --wrap --no-aliases --help -h' ;;
    'usage') _ringlet_r='--json --profile --provider --model --agent --since --until --by-day --by-model --by-rule --export --help -h' ;;
    *) _ringlet_r='--help' ;;
    esac
}
# Succeeds when option $2 of command $1 takes a value; its kind goes to _ringlet_kind.
_ringlet_valopt() {
    case "$1|$2" in
    'attach|--remote') _ringlet_kind='none' ;;
    'attach|--detach-key') _ringlet_kind='none' ;;
    'audit query|--type') _ringlet_kind='none' ;;
    'audit query|--profile') _ringlet_kind='profile' ;;
    'audit query|--since') _ringlet_kind='none' ;;
    'audit query|--limit') _ringlet_kind='none' ;;
    'audit tail|-n') _ringlet_kind='none' ;;
    'audit tail|--lines') _ringlet_kind='none' ;;
    'daemon|--listen') _ringlet_kind='none' ;;
    'daemon|--tls-cert') _ringlet_kind='none' ;;
    'daemon|--tls-key') _ringlet_kind='none' ;;
    'daemon install|--listen') _ringlet_kind='none' ;;
    'daemon install|--tls-cert') _ringlet_kind='none' ;;
    'daemon install|--tls-key') _ringlet_kind='none' ;;
    'hooks add|--on') _ringlet_kind='none' ;;
    'hooks add|--shell') _ringlet_kind='shell' ;;
    'hooks add|--webhook') _ringlet_kind='none' ;;
    'hooks add|--webhook-template') _ringlet_kind='none' ;;
    'hooks add|--script') _ringlet_kind='none' ;;
    'hooks add|--matcher') _ringlet_kind='none' ;;
    'hooks add|--timeout') _ringlet_kind='none' ;;
    'hooks add|--period') _ringlet_kind='none' ;;
    'hooks add|--limit') _ringlet_kind='none' ;;
    'hooks add|--of') _ringlet_kind='none' ;;
    'hooks add|--name') _ringlet_kind='none' ;;
    'hooks test|--on') _ringlet_kind='none' ;;
    'hooks test|--tool') _ringlet_kind='none' ;;
    'hooks test|--input') _ringlet_kind='none' ;;
    'import|--to') _ringlet_kind='profile' ;;
    'import|--from') _ringlet_kind='none' ;;
    'init|--name') _ringlet_kind='none' ;;
    'keychain set|--from-env') _ringlet_kind='none' ;;
    'migrate|--plan') _ringlet_kind='none' ;;
    'migrate|--config-dirs') _ringlet_kind='none' ;;
    'migrate|--root') _ringlet_kind='none' ;;
    'profiles create|--provider') _ringlet_kind='provider' ;;
    'profiles create|--key-alias') _ringlet_kind='key-alias' ;;
    'profiles create|--model') _ringlet_kind='none' ;;
    'profiles create|--endpoint') _ringlet_kind='none' ;;
    'profiles create|--custom-endpoint') _ringlet_kind='none' ;;
    'profiles create|--wire') _ringlet_kind='none' ;;
    'profiles env|--shell') _ringlet_kind='shell' ;;
    'profiles run|--remote') _ringlet_kind='none' ;;
    'profiles set|--model') _ringlet_kind='none' ;;
    'profiles set|--provider') _ringlet_kind='provider' ;;
    'profiles set|--key-alias') _ringlet_kind='key-alias' ;;
    'profiles set|--endpoint') _ringlet_kind='none' ;;
    'profiles set|--binary') _ringlet_kind='none' ;;
    'profiles set|--sandbox') _ringlet_kind='none' ;;
    'profiles set|--meter') _ringlet_kind='none' ;;
    'profiles set|--share') _ringlet_kind='none' ;;
    'remotes add|--url') _ringlet_kind='none' ;;
    'remotes add|--token-file') _ringlet_kind='none' ;;
    'remotes add|--ca') _ringlet_kind='none' ;;
    'remotes attach|--detach-key') _ringlet_kind='none' ;;
    'sessions|--remote') _ringlet_kind='none' ;;
    'sessions kill|--remote') _ringlet_kind='none' ;;
    'sessions list|--remote') _ringlet_kind='none' ;;
    'sessions rm|--remote') _ringlet_kind='none' ;;
    'shell init|--cmd') _ringlet_kind='none' ;;
    'shell init|--wrap') _ringlet_kind='none' ;;
    'usage|--profile') _ringlet_kind='profile' ;;
    'usage|--provider') _ringlet_kind='provider' ;;
    'usage|--model') _ringlet_kind='none' ;;
    'usage|--agent') _ringlet_kind='agent' ;;
    'usage|--since') _ringlet_kind='none' ;;
    'usage|--until') _ringlet_kind='none' ;;
    'usage|--export') _ringlet_kind='none' ;;
    *) return 1 ;;
    esac
}
_ringlet_arg() {
    case "$1|$2" in
    'alias add|1') _ringlet_kind='profile' ;;
    'alias rm|0') _ringlet_kind='shell-alias' ;;
    'allow|0') _ringlet_kind='file' ;;
    'completions|0') _ringlet_kind='shell' ;;
    'deny|0') _ringlet_kind='file' ;;
    'hooks add|0') _ringlet_kind='profile' ;;
    'hooks list|0') _ringlet_kind='profile' ;;
    'hooks remove|0') _ringlet_kind='profile' ;;
    'hooks rm|0') _ringlet_kind='profile' ;;
    'hooks test|0') _ringlet_kind='profile' ;;
    'import|0') _ringlet_kind='agent' ;;
    'keychain remove|0') _ringlet_kind='provider' ;;
    'keychain remove|1') _ringlet_kind='key-alias' ;;
    'keychain rm|0') _ringlet_kind='provider' ;;
    'keychain rm|1') _ringlet_kind='key-alias' ;;
    'keychain set|0') _ringlet_kind='provider' ;;
    'keychain set|1') _ringlet_kind='key-alias' ;;
    'profiles create|0') _ringlet_kind='agent' ;;
    'profiles env|0') _ringlet_kind='profile' ;;
    'profiles remove|0') _ringlet_kind='profile' ;;
    'profiles rm|0') _ringlet_kind='profile' ;;
    'profiles run|0') _ringlet_kind='profile' ;;
    'profiles set|0') _ringlet_kind='profile' ;;
    'profiles show|0') _ringlet_kind='profile' ;;
    'revoke|0') _ringlet_kind='file' ;;
    'shell init|0') _ringlet_kind='shell' ;;
    *) _ringlet_kind='' ;;
    esac
}

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
