# shellcheck shell=bash
# ringlet shell integration for bash 4+.
# Load it from ~/.bashrc:   eval "$(ringlet shell init bash)"
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.zsh and shell/ringlet.fish.

# === Settings =============================================================

#@ARGS@

# === Utility functions ====================================================

# The ringlet CLI, never a function or alias of that name. RINGLET_BIN overrides the binary.
__ringlet_cli() {
    command "${RINGLET_BIN:-ringlet}" "$@"
}

# Removes the alias functions of the previous state (an alias deleted from config.toml must go away).
__ringlet_unalias() {
    local name
    # shellcheck disable=SC2154 # set by the generated state
    for name in ${__ringlet_aliases[@]+"${__ringlet_aliases[@]}"}; do
        builtin unset -f -- "$name"
    done
}

# Sets __ringlet_phys to the physical path of $PWD. bash has no builtin realpath and `pwd -P` would need
# a subshell to capture, so step in with `cd -P` and back; OLDPWD is restored.
__ringlet_physical() {
    local logical=$PWD had_old=${OLDPWD+x} old=${OLDPWD-}
    __ringlet_phys=$PWD
    if builtin cd -P . 2>/dev/null; then
        __ringlet_phys=$PWD
        builtin cd -- "$logical" 2>/dev/null || :
    fi
    if [[ -n $had_old ]]; then OLDPWD=$old; else builtin unset OLDPWD; fi
}

# One line per project file until another one is found, so moving around inside a project is quiet.
__ringlet_hint() {
    if [[ $1 != "${__ringlet_hinted-}" ]]; then
        __ringlet_hinted=$1
        builtin printf 'ringlet: %q %s\n' "$1" "$2" >&2
    fi
}

# === Generated state ======================================================
# Directory mapping, allowed project files, aliases and the staleness test. Replaced as a whole by
# __ringlet_reload when config.toml, the allow store or the profiles change.

#@STATE@

# === Hook =================================================================

# Re-reads the state, only when an input is newer than the state's stamp: the one place a process starts.
__ringlet_reload() {
    local state
    # shellcheck disable=SC2154 # set in the settings section
    if state=$(__ringlet_cli shell init "${__ringlet_args[@]}" --state) && [[ -n $state ]]; then
        builtin eval -- "$state"
    else
        # Stop retrying on every cd; the next `ringlet` command through the shell function tries again.
        __ringlet_broken=1
    fi
}

# Finds the nearest project file from the physical $PWD up, for __ringlet_update when the way up holds a
# symlink: sets its p, s, f and fd (bash functions see their caller's locals).
__ringlet_walk_physical() {
    __ringlet_physical
    p=$__ringlet_phys s=' ' f='' fd=''
    if [[ $p == "${HOME-}" || $p == "${HOME-}"/* ]]; then s=${HOME-}; fi
    local d=${p%/}
    while [[ -n $d && $d != "$s" ]]; do
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
__ringlet_project() {
    local content='' rc=0
    # An allow or deny in another shell is picked up here, where it matters.
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_allow; then __ringlet_reload; fi
    # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
    IFS= builtin read -r -N 4097 content 2>/dev/null <"$f" || :
    __ringlet_allowed "$f" "$content" || rc=$?
    # shellcheck disable=SC2016 # the backticks are part of the message
    case $rc in
    0) __ringlet_hinted=''; if (( ${#fd} >= l )); then n=$__ringlet_hit; fi ;;
    1) __ringlet_hint "$f" 'changed since `ringlet allow`; ignored until you run `ringlet allow` again' ;;
    *) __ringlet_hint "$f" 'is not allowed; run `ringlet allow` to use it' ;;
    esac
}

# Brings RINGLET_PROFILE up to date for $PWD: the nearest allowed project file or the longest mapped
# prefix, whichever is deeper. A cd costs builtins and a few stat() calls: config.toml is the only input
# tested every time, and the walk up stops below HOME inside HOME (project files live in projects,
# HOME-wide is what default-profile is for; the tables hold both spellings of a symlinked HOME).
# Paths are compared with quoted patterns, so no name is ever expanded or run.
__ringlet_update() {
    __ringlet_pwd=$PWD
    if [[ -z ${__ringlet_broken-} ]] && __ringlet_stale_config; then __ringlet_reload; fi
    # d: the directory walked, p: the physical $PWD, s: where the walk stops (' ' is no path, so outside
    # HOME the root is reached), f/fd: the project file and its directory, n/l: the profile and the length
    # of the directory that chose it.
    local quiet=${1-} d=${PWD%/} p=$PWD s=' ' f='' fd='' n='' l=-1 __ringlet_hit='' __ringlet_hitdir=''
    if [[ $PWD == "${HOME-}" || $PWD == "${HOME-}"/* ]]; then s=${HOME-}; fi
    # A mapped directory bounds the walk too: a project file above it would lose to the mapping anyway.
    if __ringlet_map "$PWD/"; then
        n=$__ringlet_hit l=${#__ringlet_hitdir}
        if (( l > ${#s} )); then s=${__ringlet_hitdir%/*}; fi
    fi
    while [[ -n $d && $d != "$s" ]]; do
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
    if [[ -z $d && -z $f && $s == ' ' && $p == "$PWD" ]]; then
        if [[ -f /.ringlet.toml ]]; then f=/.ringlet.toml; elif [[ -f /.ringlet-profile ]]; then f=/.ringlet-profile; fi
    fi
    # Reached through a symlink: the physical path may lie in a deeper mapping.
    if [[ $p != "$PWD" ]] && __ringlet_map "$p/" && (( ${#__ringlet_hitdir} > l )); then
        n=$__ringlet_hit l=${#__ringlet_hitdir}
    fi
    if [[ -n $f ]]; then __ringlet_project; else __ringlet_hinted=''; fi
    if [[ -n $n ]]; then
        if [[ ${RINGLET_PROFILE-} != "$n" ]]; then
            builtin export RINGLET_PROFILE="$n"
            if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin printf 'ringlet: profile %s\n' "$n" >&2; fi
        fi
    elif [[ -n ${RINGLET_PROFILE+x} ]]; then
        if [[ -z $quiet && -n ${__ringlet_notify-} ]]; then builtin printf 'ringlet: profile %s unset\n' "$RINGLET_PROFILE" >&2; fi
        builtin unset RINGLET_PROFILE
    fi
}

# bash has no chpwd hook: PROMPT_COMMAND runs this before each prompt and it compares $PWD with the last one.
__ringlet_hook() {
    local rc=$?
    if [[ ${__ringlet_pwd-} != "$PWD" ]]; then __ringlet_update; fi
    return "$rc"
}

if [[ -z ${PROMPT_COMMAND+x} ]]; then
    PROMPT_COMMAND=__ringlet_hook
elif (( BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1) )) && [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    # bash 5.1+ also accepts an array; ours goes first so later entries still see the command's $?.
    if [[ " ${PROMPT_COMMAND[*]} " != *' __ringlet_hook '* ]]; then
        PROMPT_COMMAND=(__ringlet_hook "${PROMPT_COMMAND[@]}")
    fi
else
    # shellcheck disable=SC2128,SC2178 # PROMPT_COMMAND is a plain string here
    if [[ $PROMPT_COMMAND != *__ringlet_hook* ]]; then
        PROMPT_COMMAND="__ringlet_hook${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}"
    fi
fi

# === Commands =============================================================

# `ringlet …` through the shell: afterwards every input is re-checked at once, so `ringlet allow` or
# `ringlet alias add` take effect in this shell without waiting for the next cd.
__ringlet_cmd() {
    local rc=0
    __ringlet_cli "$@" || rc=$?
    __ringlet_broken=''
    if __ringlet_stale_config || __ringlet_stale_allow || __ringlet_stale_profiles; then __ringlet_reload; fi
    __ringlet_update
    return "$rc"
}

# Aliases ([shell.aliases]): the profile's agent with the arguments as given, a bare prompt included.
# A profile created or removed since the state was built changes what runs, so that is tested here.
__ringlet_alias() {
    local name=$1 __ringlet_hit='' __ringlet_agent=''
    shift
    if [[ -z ${__ringlet_broken-} ]] && { __ringlet_stale_config || __ringlet_stale_profiles; }; then __ringlet_reload; fi
    if ! __ringlet_alias_target "$name"; then
        builtin printf 'ringlet: alias %s no longer exists\n' "$name" >&2
        return 127
    fi
    if [[ -z $__ringlet_agent ]]; then
        builtin printf 'ringlet: alias %s: profile "%s" does not exist (ringlet profiles list)\n' "$name" "$__ringlet_hit" >&2
        return 3
    fi
    __ringlet_cli profiles run "$__ringlet_hit" -- "$__ringlet_agent" "$@"
}

# Wrapped agents (--wrap): the selected profile's environment when there is one, the plain binary otherwise.
__ringlet_wrap() {
    # `cd dir && claude` runs before the next prompt, so bring the profile up to date first.
    if [[ ${__ringlet_pwd-} != "$PWD" ]]; then __ringlet_update; fi
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

# shellcheck disable=SC2154 # set in the settings section
complete -F _ringlet ringlet "$__ringlet_cmdname"

# === Start ================================================================

__ringlet_update quiet
