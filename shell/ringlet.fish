# ringlet shell integration for fish 3.3+.
# Load it from ~/.config/fish/config.fish:   ringlet shell init fish | source
# Lines starting with #@ are replaced by `ringlet shell init` (src/shell/init.ts).
# Sections match shell/ringlet.bash and shell/ringlet.zsh.

# === Settings =============================================================

#@ARGS@

# === Utility functions ====================================================

# The ringlet CLI, never a function of that name. RINGLET_BIN overrides the binary.
function __ringlet_cli
    if set -q RINGLET_BIN[1]; and test -n "$RINGLET_BIN"
        command $RINGLET_BIN $argv
    else
        command ringlet $argv
    end
end

# Removes the alias functions of the previous state (an alias deleted from config.toml must go away).
function __ringlet_unalias
    for name in $__ringlet_aliases
        functions --erase -- $name
    end
end

# One line per project file until another one is found, so moving around inside a project is quiet.
function __ringlet_hint --argument-names file message
    if test "$file" != "$__ringlet_hinted"
        set -g __ringlet_hinted $file
        printf 'ringlet: %s %s\n' (string escape -- $file) $message >&2
    end
end

# === Generated state ======================================================
# Directory mapping, allowed project files, aliases and the staleness test. Replaced as a whole by
# __ringlet_reload when config.toml, the allow store or the profiles change.

#@STATE@

# === Hook =================================================================

# Re-reads the state, only when an input is newer than the state's stamp: the one place a process starts.
function __ringlet_reload
    # A command substitution splits at newlines; `set` keeps the command's status, `string join` the text.
    set -l state (__ringlet_cli shell init $__ringlet_args --state)
    if test $status -eq 0; and set -q state[1]
        string join \n -- $state | source
    else
        # Stop retrying on every cd; the next `ringlet` command through the shell function tries again.
        set -g __ringlet_broken 1
    end
end

# Picks the profile for $PWD and exports or unsets RINGLET_PROFILE. The nearest allowed project file or
# the longest mapped prefix wins, whichever is deeper. Builtins only: command substitutions of builtins
# run in-process in fish, so this starts no process.
function __ringlet_select --argument-names quiet
    # `string collect` keeps the path one element even with newlines inside; a name ending in a newline
    # would lose it, and then the logical $PWD is used instead.
    set -l phys (builtin realpath -- $PWD 2>/dev/null | string collect)
    test -d "$phys"; or set phys $PWD
    set -l name
    set -l len -1
    if __ringlet_map "$phys/"
        set name $__ringlet_hit
        set len (string length -- $__ringlet_hitdir)
    end
    if test "$phys" != "$PWD"; and __ringlet_map "$PWD/"
        set -l l (string length -- $__ringlet_hitdir)
        if test $l -gt $len
            set name $__ringlet_hit
            set len $l
        end
    end
    # Ancestors, deepest first, built by concatenation: splitting with `read -d /` keeps every byte of a
    # name, where command substitutions would split at newlines.
    set -l parts
    printf '%s' $phys | read -z -d / -a parts
    set -l dirs ''
    set -l acc ''
    for c in $parts[2..-1]
        if test -n "$c"
            set acc "$acc/$c"
            set -p dirs $acc
        end
    end
    set -l dir
    set -l file
    for d in $dirs
        if test -f "$d/.ringlet.toml"
            set file "$d/.ringlet.toml"
        else if test -f "$d/.ringlet-profile"
            set file "$d/.ringlet-profile"
        else
            continue
        end
        set dir $d
        break
    end
    if test -n "$file"
        # Bounded read: a huge file cannot stall the prompt, and anything over the limit never matches.
        set -l content
        read -z -n 4097 content 2>/dev/null <$file
        __ringlet_allowed $file "$content"
        switch $status
            case 0
                set -g __ringlet_hinted
                if test (string length -- "$dir") -ge $len
                    set name $__ringlet_hit
                end
            case 1
                __ringlet_hint $file 'changed since `ringlet allow`; ignored until you run `ringlet allow` again'
            case '*'
                __ringlet_hint $file 'is not allowed; run `ringlet allow` to use it'
        end
    else
        set -g __ringlet_hinted
    end
    if test -n "$name"
        if test "$RINGLET_PROFILE" != "$name"
            set -gx RINGLET_PROFILE $name
            if test -z "$quiet"; and test -n "$__ringlet_notify"
                printf 'ringlet: profile %s\n' $name >&2
            end
        end
    else if set -q RINGLET_PROFILE
        if test -z "$quiet"; and test -n "$__ringlet_notify"
            printf 'ringlet: profile %s unset\n' "$RINGLET_PROFILE" >&2
        end
        set -e RINGLET_PROFILE
    end
    return 0
end

# Brings RINGLET_PROFILE up to date for $PWD.
function __ringlet_update --argument-names quiet
    set -g __ringlet_pwd $PWD
    if test -z "$__ringlet_broken"; and __ringlet_stale
        __ringlet_reload
    end
    __ringlet_select $quiet
end

# fish reports every change of PWD as a variable event, in scripts too. Redefining the function on a
# second `source` replaces the handler instead of adding one.
function __ringlet_hook --on-variable PWD
    set -l rc $status
    __ringlet_update
    return $rc
end

# === Commands =============================================================

# `ringlet …` through the shell: afterwards the state is re-checked at once, so `ringlet allow` or
# `ringlet alias add` take effect in this shell without waiting for the next cd.
function __ringlet_cmd
    __ringlet_cli $argv
    set -l rc $status
    set -g __ringlet_broken
    __ringlet_update
    return $rc
end

# Wrapped agents (--wrap): the selected profile's environment when there is one, the plain binary otherwise.
function __ringlet_wrap
    if test "$__ringlet_pwd" != "$PWD"
        __ringlet_update
    end
    if test -n "$RINGLET_PROFILE"
        __ringlet_cli profiles run $RINGLET_PROFILE -- $argv
    else
        command $argv
    end
end

#@COMMAND@

#@WRAPPERS@

# === Completions ==========================================================

#@COMPLETIONS@

complete -c $__ringlet_cmdname -e
complete -c $__ringlet_cmdname -f -a '(__ringlet_complete)'

# === Start ================================================================

__ringlet_update quiet
