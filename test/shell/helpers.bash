# Shared setup for the shell integration tests: a throwaway HOME, RINGLET_HOME and XDG_CONFIG_HOME,
# the real ringlet (bin/ringlet, built by `node build.mjs`) on PATH, and helpers that run a snippet in
# real bash, zsh and fish processes with the integration loaded.

# shellcheck disable=SC2016 # code for the shells under test is single-quoted on purpose
bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# Each file runs against a copy of the build taken in setup_file: others may rebuild dist/ while the
# suite runs, and a half-written bundle would fail tests for reasons that are not theirs. The copy is
# checked by loading every command module (what `ringlet completions` does).
snapshot_build() {
    export RINGLET_SNAP=$BATS_FILE_TMPDIR/ringlet
    local try
    for try in 1 2 3 4 5 6; do
        rm -rf "$RINGLET_SNAP"
        mkdir -p "$RINGLET_SNAP"
        if cp -r "$REPO/bin" "$REPO/dist" "$REPO/shell" "$REPO/package.json" "$RINGLET_SNAP/" 2>/dev/null &&
            ln -s "$REPO/node_modules" "$RINGLET_SNAP/node_modules" &&
            "$RINGLET_SNAP/bin/ringlet" completions bash >/dev/null 2>&1; then
            return 0
        fi
        sleep "$try"
    done
    echo "could not copy a complete build from $REPO/dist (run node build.mjs)" >&2
    return 1
}

setup_file() {
    snapshot_build
}

setup_env() {
    T=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/ringlet-shell.XXXXXX")
    T=$(cd "$T" && pwd -P)
    export T HOME=$T/home RINGLET_HOME=$T/ringlet XDG_CONFIG_HOME=$T/xdg
    mkdir -p "$HOME" "$RINGLET_HOME/profiles" "$XDG_CONFIG_HOME/ringlet" "$T/bin"
    export PATH="$T/bin:$RINGLET_SNAP/bin:$PATH"
    export NO_COLOR=1
    unset RINGLET_PROFILE RINGLET_BIN PROMPT_COMMAND
    CONFIG=$XDG_CONFIG_HOME/ringlet/config.toml
    : >"$CONFIG"
}

teardown_env() {
    rm -rf "$T"
}

# make_profile NAME AGENT
make_profile() {
    mkdir -p "$RINGLET_HOME/profiles/$1"
    printf 'agent = "%s"\nprovider = "anthropic"\n' "$2" >"$RINGLET_HOME/profiles/$1/ringlet.toml"
}

# add_mapping PATH PROFILE: a [[directory-mapping]] entry; JSON string escapes are valid TOML ones.
add_mapping() {
    node -e 'const [p, n] = process.argv.slice(1); process.stdout.write(`[[directory-mapping]]\npath = ${JSON.stringify(p)}\nprofile = ${JSON.stringify(n)}\n`)' "$1" "$2" >>"$CONFIG"
}

# A fake ringlet for wrapper tests: `profiles run …` is recorded (one argument per line, then "--end"),
# everything else goes to the real CLI. It also logs every call, to count process starts.
install_fake_ringlet() {
    cat >"$T/bin/ringlet-fake" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$1" >>"$T/calls"
if [[ \$1 == profiles && \${2-} == run ]]; then
    printf '%s\n' "\${@:3}" --end >>"$T/argv"
    exit 0
fi
exec "$RINGLET_SNAP/bin/ringlet" "\$@"
EOF
    chmod +x "$T/bin/ringlet-fake"
    export RINGLET_BIN=$T/bin/ringlet-fake
}

# A fake agent binary on PATH that records its arguments.
install_fake_agent() {
    cat >"$T/bin/$1" <<EOF
#!/usr/bin/env bash
printf '%s\n' "plain:$1" "\$@" --end >>"$T/argv"
EOF
    chmod +x "$T/bin/$1"
}

# in_shell SHELL BODY [INIT ARGS…]: runs BODY with the integration loaded. BODY sticks to what the three
# shells share: cd "$VAR", show (prints p=<RINGLET_PROFILE>), and plain commands. bash runs interactive
# (commands on stdin) so PROMPT_COMMAND fires before each line, as at a real prompt.
in_shell() {
    local sh=$1 body=$2
    shift 2
    case $sh in
    bash)
        {
            printf '%s\n' "PS1='' PS2='' PS4=''" 'set -u +H'
            printf 'eval "$(ringlet shell init bash %s)"\n' "$*"
            printf '%s\n' 'show() { builtin printf "p=%s\n" "${RINGLET_PROFILE-}"; }'
            printf '%s\n' "$body"
        } >"$T/script.bash"
        bash --norc --noprofile -i <"$T/script.bash"
        ;;
    zsh)
        {
            printf '%s\n' 'setopt no_unset'
            printf 'eval "$(ringlet shell init zsh %s)"\n' "$*"
            printf '%s\n' 'show() { builtin printf "p=%s\n" "${RINGLET_PROFILE-}"; }'
            printf '%s\n' "$body"
        } >"$T/script.zsh"
        zsh -f "$T/script.zsh"
        ;;
    fish)
        {
            printf 'ringlet shell init fish %s | source\n' "$*"
            printf '%s\n' 'function show; printf "p=%s\n" "$RINGLET_PROFILE"; end'
            printf '%s\n' "$body"
        } >"$T/script.fish"
        fish --no-config "$T/script.fish"
        ;;
    esac
}

# Assertions with a readable failure message.
assert_eq() {
    if [[ $1 != "$2" ]]; then
        printf 'expected: %q\n     got: %q\n' "$2" "$1" >&2
        return 1
    fi
}

assert_contains() {
    if [[ $1 != *"$2"* ]]; then
        printf 'expected to contain: %q\n                got: %q\n' "$2" "$1" >&2
        return 1
    fi
}

refute_contains() {
    if [[ $1 == *"$2"* ]]; then
        printf 'expected not to contain: %q\n                    got: %q\n' "$2" "$1" >&2
        return 1
    fi
}
