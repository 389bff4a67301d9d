#!/usr/bin/env bats
# The point of the design: a cd starts no process. strace counts execve/clone/fork between two marker
# files the loop creates, in each shell, across mapped, unmapped, symlinked and project directories.

load helpers

setup() {
    command -v strace >/dev/null || skip "strace is not installed"
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/work/deep/er" "$HOME/other" "$HOME/proj/sub" "$HOME/untrusted"
    ln -s "$HOME/work/deep" "$HOME/link"
    add_mapping "~/work" work
    printf 'profile = "acme"\n' >"$HOME/proj/.ringlet.toml"
    printf 'profile = "acme"\n' >"$HOME/untrusted/.ringlet.toml"
    ringlet allow "$HOME/proj" >/dev/null
    DIRS=("$HOME/work" "$HOME/other" "$HOME/work/deep/er" "$HOME/link" "$HOME/proj/sub" "$HOME/untrusted" /)
}

teardown() {
    teardown_env
}

# Trace lines between the loop's markers.
in_loop() {
    awk -v start="$T/loop-start" -v end="$T/loop-end" 'index($0, start) { on = 1; next } index($0, end) { on = 0 } on' "$T/trace"
}

# Process starts recorded in $T/trace between the loop's markers: execve, fork, vfork, and clones that
# are not threads (fish runs a small thread pool of its own; a thread is not a process).
spawns_in_loop() {
    awk -v start="$T/loop-start" -v end="$T/loop-end" '
        index($0, start) { on = 1; next }
        index($0, end) { on = 0 }
        on && (/(execve|v?fork)\(/ || (/clone3?\(/ && !/CLONE_THREAD/)) { n++; print > "/dev/stderr" }
        END { print n + 0 }' "$T/trace"
}

@test "bash: 70 cds start no process" {
    export DIRS_LIST=$(printf '%s\n' "${DIRS[@]}")
    strace -f -qq -e trace=execve,clone,clone3,fork,vfork,openat -o "$T/trace" bash --norc --noprofile -c '
        eval "$(ringlet shell init bash)"
        mapfile -t dirs <<<"$DIRS_LIST"
        : >"$T/loop-start"
        for i in 1 2 3 4 5 6 7 8 9 10; do
            for d in "${dirs[@]}"; do cd "$d"; __ringlet_hook; done
        done
        : >"$T/loop-end"' 2>/dev/null
    assert_eq "$(spawns_in_loop)" 0
    # and the loop did run the hook: the profile of the last mapped directory was set on the way
    grep -q 'loop-end' "$T/trace"
}

@test "zsh: 70 cds start no process" {
    export DIRS_LIST=$(printf '%s\n' "${DIRS[@]}")
    strace -f -qq -e trace=execve,clone,clone3,fork,vfork,openat -o "$T/trace" zsh -f -c '
        eval "$(ringlet shell init zsh)"
        dirs=("${(@f)DIRS_LIST}")
        : >"$T/loop-start"
        for i in {1..10}; do
            for d in $dirs; do cd $d; done
        done
        : >"$T/loop-end"' 2>/dev/null
    assert_eq "$(spawns_in_loop)" 0
    grep -q 'loop-end' "$T/trace"
}

@test "fish: 70 cds start no process" {
    export DIRS_LIST=$(printf '%s\n' "${DIRS[@]}")
    strace -f -qq -e trace=execve,clone,clone3,fork,vfork,openat -o "$T/trace" fish --no-config -c '
        ringlet shell init fish | source
        set -l dirs (string split \n -- $DIRS_LIST)
        true >$T/loop-start
        for i in (string split " " "1 2 3 4 5 6 7 8 9 10")
            for d in $dirs
                cd $d
            end
        end
        true >$T/loop-end' 2>/dev/null
    assert_eq "$(spawns_in_loop)" 0
    grep -q 'loop-end' "$T/trace"
}

@test "the same loop does start ringlet once after a config change (the trace would see it)" {
    export DIRS_LIST=$(printf '%s\n' "${DIRS[@]}")
    strace -f -qq -e trace=execve,clone,clone3,fork,vfork,openat -o "$T/trace" bash --norc --noprofile -c '
        eval "$(ringlet shell init bash)"
        mapfile -t dirs <<<"$DIRS_LIST"
        : >"$T/loop-start"
        touch -d "+1 minute" "$XDG_CONFIG_HOME/ringlet/config.toml"
        for d in "${dirs[@]}" "${dirs[@]}"; do cd "$d"; __ringlet_hook; done
        : >"$T/loop-end"' 2>/dev/null
    # touch itself, then one `ringlet shell init --state` (a subshell that runs node)
    local n
    n=$(spawns_in_loop)
    [[ $n -ge 2 ]]
    assert_eq "$(in_loop | grep -c 'execve("[^"]*/bin/ringlet", .* = 0$')" 1
}
