# ringlet shell integration for zsh 5.8+.
# Load it from ~/.zshrc:   eval "$(ringlet shell init zsh)"
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.bash and shell/ringlet.fish.

# === Settings =============================================================

#@ARGS@

# sysread gives a bounded read of a project file without a subshell.
zmodload -F zsh/system b:sysread 2>/dev/null || :

# === Utility functions ====================================================

# The ringlet CLI, never a function or alias of that name. RINGLET_BIN overrides the binary.
function __ringlet_cli {
    command "${RINGLET_BIN:-ringlet}" "$@"
}

# Removes the alias functions of the previous state (an alias deleted from config.toml must go away).
function __ringlet_unalias {
    emulate -L zsh
    local name
    for name in ${__ringlet_aliases[@]}; do
        builtin unfunction -- $name 2>/dev/null
    done
    return 0
}

# One line per project file until another one is found, so moving around inside a project is quiet.
function __ringlet_hint {
    emulate -L zsh
    if [[ $1 != ${__ringlet_hinted-} ]]; then
        typeset -g __ringlet_hinted=$1
        builtin print -ru2 -- "ringlet: ${(q+)1} $2"
    fi
}

# === Generated state ======================================================
# Directory mapping, allowed project files, aliases and the staleness test. Replaced as a whole by
# __ringlet_reload when config.toml, the allow store or the profiles change.

#@STATE@

# === Hook =================================================================

# Re-reads the state, only when an input is newer than the state's stamp: the one place a process starts.
function __ringlet_reload {
    local state
    if state=$(__ringlet_cli shell init "${__ringlet_args[@]}" --state) && [[ -n $state ]]; then
        builtin eval -- "$state"
    else
        # Stop retrying on every cd; the next `ringlet` command through the shell function tries again.
        typeset -g __ringlet_broken=1
    fi
}

# Finds the nearest project file from the physical $PWD up, for __ringlet_update when the way up holds a
# symlink: sets its p, s, f and fd (zsh functions see their caller's locals). :A is realpath(3),
# in-process.
function __ringlet_walk_physical {
    p=${PWD:A} s=' ' f= fd=
    if [[ $p == ${HOME-} || $p == ${HOME-}/* ]]; then s=${HOME-}; fi
    local d=${p%/}
    while [[ -n $d && $d != $s ]]; do
        if [[ -f $d/.ringlet.toml ]]; then f=$d/.ringlet.toml fd=$d; return; fi
        if [[ -f $d/.ringlet-profile ]]; then f=$d/.ringlet-profile fd=$d; return; fi
        d=${d%/*}
    done
    if [[ -z $d && $s == ' ' ]]; then
        if [[ -f /.ringlet.toml ]]; then f=/.ringlet.toml; elif [[ -f /.ringlet-profile ]]; then f=/.ringlet-profile; fi
    fi
}

# Trusts the project file $f only as __ringlet_allowed says; sets n (the profile) when it is allowed and
# deeper than the mapping, and hints once otherwise.
function __ringlet_project {
    local content=
    integer rc=0
    # An allow or deny in another shell is picked up here, where it matters.
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_allow; then __ringlet_reload; fi
    # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
    builtin sysread -s 4097 content 2>/dev/null <$f || :
    __ringlet_allowed "$f" "$content" || rc=$?
    case $rc in
    (0) typeset -g __ringlet_hinted=; if (( ${#fd} >= l )); then n=$__ringlet_hit; fi ;;
    (1) __ringlet_hint "$f" 'changed since `ringlet allow`; ignored until you run `ringlet allow` again' ;;
    (*) __ringlet_hint "$f" 'is not allowed; run `ringlet allow` to use it' ;;
    esac
}

# Brings RINGLET_PROFILE up to date for $PWD: the nearest allowed project file or the longest mapped
# prefix, whichever is deeper. A cd costs builtins and a few stat() calls: config.toml is the only input
# tested every time, and the walk up stops below HOME inside HOME (project files live in projects,
# HOME-wide is what default-profile is for; the tables hold both spellings of a symlinked HOME).
# Paths are compared with quoted patterns, so no name is ever expanded or run.
function __ringlet_update {
    emulate -L zsh
    typeset -g __ringlet_pwd=$PWD
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_config; then __ringlet_reload; fi
    # d: the directory walked, p: the physical $PWD, s: where the walk stops (' ' is no path, so outside
    # HOME the root is reached), f/fd: the project file and its directory, n/l: the profile and the length
    # of the directory that chose it.
    local quiet=${1-} d=${PWD%/} p=$PWD s=' ' f= fd= n= __ringlet_hit= __ringlet_hitdir=
    integer l=-1
    if [[ $PWD == ${HOME-} || $PWD == ${HOME-}/* ]]; then s=${HOME-}; fi
    # A mapped directory bounds the walk too: a project file above it would lose to the mapping anyway.
    if __ringlet_map "$PWD/"; then
        n=$__ringlet_hit l=${#__ringlet_hitdir}
        if (( l > ${#s} )); then s=${__ringlet_hitdir%/*}; fi
    fi
    while [[ -n $d && $d != $s ]]; do
        # One test for the three things looked for; which one, only when there is one.
        if [[ -L $d || -f $d/.ringlet.toml || -f $d/.ringlet-profile ]]; then
            # A symlink on the way up means the physical path differs: walk that instead.
            if [[ -L $d ]]; then __ringlet_walk_physical; break; fi
            if [[ -z $f ]]; then
                fd=$d
                if [[ -f $d/.ringlet.toml ]]; then f=$d/.ringlet.toml; else f=$d/.ringlet-profile; fi
            fi
        fi
        d=${d%/*}
    done
    # The root itself, outside HOME (the loop ends when the path runs out).
    if [[ -z $d && -z $f && $s == ' ' && $p == $PWD ]]; then
        if [[ -f /.ringlet.toml ]]; then f=/.ringlet.toml; elif [[ -f /.ringlet-profile ]]; then f=/.ringlet-profile; fi
    fi
    # Reached through a symlink: the physical path may lie in a deeper mapping.
    if [[ $p != $PWD ]] && __ringlet_map "$p/" && (( ${#__ringlet_hitdir} > l )); then
        n=$__ringlet_hit l=${#__ringlet_hitdir}
    fi
    if [[ -n $f ]]; then __ringlet_project; else typeset -g __ringlet_hinted=; fi
    if [[ -n $n ]]; then
        if [[ ${RINGLET_PROFILE-} != $n ]]; then
            builtin export RINGLET_PROFILE=$n
            if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $n"; fi
        fi
    elif [[ -n ${RINGLET_PROFILE+x} ]]; then
        if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin print -ru2 -- "ringlet: profile $RINGLET_PROFILE unset"; fi
        builtin unset RINGLET_PROFILE
    fi
    return 0
}

# zsh runs chpwd_functions on every directory change, in scripts too; $? is restored around them.
function __ringlet_hook {
    __ringlet_update
}

if [[ ${chpwd_functions[(Ie)__ringlet_hook]:-0} -eq 0 ]]; then
    chpwd_functions+=(__ringlet_hook)
fi

# === Commands =============================================================

# `ringlet …` through the shell: afterwards every input is re-checked at once, so `ringlet allow` or
# `ringlet alias add` take effect in this shell without waiting for the next cd.
function __ringlet_cmd {
    local rc=0
    __ringlet_cli "$@" || rc=$?
    typeset -g __ringlet_broken=
    if __ringlet_stale_config || __ringlet_stale_allow || __ringlet_stale_profiles; then __ringlet_reload; fi
    __ringlet_update
    return $rc
}

# Aliases ([shell.aliases]): the profile's agent with the arguments as given, a bare prompt included.
# A profile created or removed since the state was built changes what runs, so that is tested here.
function __ringlet_alias {
    local name=$1 __ringlet_hit= __ringlet_agent=
    shift
    if [[ -z ${__ringlet_broken-} ]] && { __ringlet_stale_config || __ringlet_stale_profiles }; then __ringlet_reload; fi
    if ! __ringlet_alias_target "$name"; then
        builtin print -ru2 -- "ringlet: alias $name no longer exists"
        return 127
    fi
    if [[ -z $__ringlet_agent ]]; then
        builtin print -ru2 -- "ringlet: alias $name: profile \"$__ringlet_hit\" does not exist (ringlet profiles list)"
        return 3
    fi
    __ringlet_cli profiles run "$__ringlet_hit" -- "$__ringlet_agent" "$@"
}

# Wrapped agents (--wrap): the selected profile's environment when there is one, the plain binary otherwise.
function __ringlet_wrap {
    if [[ ${__ringlet_pwd-} != $PWD ]]; then __ringlet_update; fi
    if [[ -n ${RINGLET_PROFILE-} ]]; then
        __ringlet_cli profiles run "$RINGLET_PROFILE" -- "$@"
    else
        command "$@"
    fi
}

#@COMMAND@

#@WRAPPERS@

# === Completions ==========================================================

#@COMPLETIONS@

# compdef exists only after compinit; if .zshrc runs compinit later, register at the first prompt.
function __ringlet_compdef {
    if (( $+functions[compdef] )); then
        compdef _ringlet ringlet $__ringlet_cmdname
        precmd_functions=(${precmd_functions:#__ringlet_compdef})
    fi
}
__ringlet_compdef
if (( ! $+functions[compdef] )) && [[ ${precmd_functions[(Ie)__ringlet_compdef]:-0} -eq 0 ]]; then
    precmd_functions+=(__ringlet_compdef)
fi

# === Start ================================================================

__ringlet_update quiet
