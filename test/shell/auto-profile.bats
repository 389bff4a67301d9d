#!/usr/bin/env bats
# cd-triggered profile selection from [[directory-mapping]], in real bash, zsh and fish.

load helpers

setup() {
    setup_env
    make_profile work codex
    make_profile acme claude
    mkdir -p "$HOME/work/acme/deep/er" "$HOME/other" "$HOME/workshop"
    add_mapping "~/work" work
    add_mapping "$HOME/work/acme/" acme # trailing slash
    ln -s "$HOME/work/acme" "$HOME/acme-link"
    ln -s "$HOME/work" "$HOME/work-link"
}

teardown() {
    teardown_env
}

BODY='cd "$HOME/work"
show
cd "$HOME/work/acme"
show
cd "$HOME/work/acme/deep/er"
show
cd "$HOME/other"
show
cd "$HOME/workshop"
show
cd "$HOME/acme-link/deep"
show
cd "$HOME/work-link"
show
cd /
show'

expected_body() {
    printf '%s\n' p=work p=acme p=acme p= p= p=acme p=work p=
}

@test "bash: mapped, nested, unmapped, prefix-alike and symlinked directories" {
    run --separate-stderr in_shell bash "$BODY"
    assert_eq "$output" "$(expected_body)"
}

@test "zsh: mapped, nested, unmapped, prefix-alike and symlinked directories" {
    run --separate-stderr in_shell zsh "$BODY"
    assert_eq "$output" "$(expected_body)"
}

@test "fish: mapped, nested, unmapped, prefix-alike and symlinked directories" {
    run --separate-stderr in_shell fish "$BODY"
    assert_eq "$output" "$(expected_body)"
}

@test "a mapping that is itself reached through a symlink matches both spellings" {
    # config names the link; the shell may stand in the real directory
    : >"$CONFIG"
    add_mapping "~/acme-link" acme
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/work/acme/deep"
show
cd "$HOME/acme-link"
show'
        assert_eq "$output" "$(printf '%s\n' p=acme p=acme)"
    done
}

@test "the notice says when the profile changes, and [shell] notify = false silences it" {
    run --separate-stderr in_shell bash 'cd "$HOME/work"
cd "$HOME/work/acme"
cd "$HOME/work/acme/deep"
cd "$HOME/other"'
    assert_contains "$stderr" "ringlet: profile work"
    assert_contains "$stderr" "ringlet: profile acme"
    assert_contains "$stderr" "ringlet: profile acme unset"
    # entering a subdirectory of the same profile says nothing new
    assert_eq "$(grep -c 'profile acme$' <<<"$stderr")" 1

    printf '[shell]\nnotify = false\n' >>"$CONFIG"
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/work"
show
cd "$HOME/other"
show'
        assert_eq "$output" "$(printf '%s\n' p=work p=)"
        refute_contains "$stderr" "ringlet: profile"
    done
}

# Directory names that would run code or glob if the hook ever evaluated them unquoted.
make_weird_dirs() {
    WEIRD=(
        'with space'
        "it's \"quoted\""
        '$(touch pwned-dollar)'
        '`touch pwned-backtick`'
        '*'
        '[ab]?'
        $'new\nline'
        '-dash'
        'back\slash'
        '{a,b} ~ $HOME'
        'ünï cødé'
    )
    local i=0 w
    for w in "${WEIRD[@]}"; do
        mkdir -p "$HOME/weird/$w/inner"
        add_mapping "$HOME/weird/$w" "p$i"
        make_profile "p$i" claude
        export "W$i=$HOME/weird/$w"
        i=$((i + 1))
    done
    BODY=
    EXPECT=
    for ((i = 0; i < ${#WEIRD[@]}; i++)); do
        BODY+="cd \"\$W$i\""$'\n'"show"$'\n'"cd \"\$W$i/inner\""$'\n'"show"$'\n'"cd \"\$HOME/weird\""$'\n'"show"$'\n'
        EXPECT+="p=p$i"$'\n'"p=p$i"$'\n'"p="$'\n'
    done
}

check_weird() {
    make_weird_dirs
    run --separate-stderr in_shell "$1" "$BODY"
    assert_eq "$output" "${EXPECT%$'\n'}"
    # nothing named in a directory was executed, anywhere
    assert_eq "$(find "$T" -name 'pwned*' | wc -l)" 0
}

@test "bash: directory names with spaces, quotes, \$(), backticks, globs and newlines" {
    check_weird bash
}

@test "zsh: directory names with spaces, quotes, \$(), backticks, globs and newlines" {
    check_weird zsh
}

@test "fish: directory names with spaces, quotes, \$(), backticks, globs and newlines" {
    check_weird fish
}

@test "a config change is picked up at the next cd, with one ringlet start per change" {
    install_fake_ringlet
    for sh in bash zsh fish; do
        : >"$T/calls"
        : >"$CONFIG"
        add_mapping "~/work" work
        run --separate-stderr in_shell "$sh" 'cd "$HOME/other"
show
node -e "require(\"fs\").appendFileSync(process.env.XDG_CONFIG_HOME + \"/ringlet/config.toml\", \"[[directory-mapping]]\\npath = \\\"~/other\\\"\\nprofile = \\\"acme\\\"\\n\")"
cd "$HOME/work"
show
cd "$HOME/other"
show
cd "$HOME/work"
cd "$HOME/other"
cd "$HOME"
show'
        assert_eq "$output" "$(printf '%s\n' p= p=work p=acme p=)"
        # init itself runs outside RINGLET_BIN; after the change exactly one reload, not one per cd
        assert_eq "$(grep -c '^shell$' "$T/calls")" 1
    done
}

@test "removing the config drops the mapping at the next cd" {
    for sh in bash zsh fish; do
        : >"$CONFIG"
        add_mapping "~/work" work
        run --separate-stderr in_shell "$sh" 'cd "$HOME/work"
show
rm "$XDG_CONFIG_HOME/ringlet/config.toml"
cd "$HOME/work/acme"
show'
        assert_eq "$output" "$(printf '%s\n' p=work p=)"
    done
}

@test "a broken config.toml warns once and leaves the shell usable" {
    printf '[[directory-mapping]\n' >"$CONFIG"
    for sh in bash zsh fish; do
        run --separate-stderr in_shell "$sh" 'cd "$HOME/work"
show'
        assert_eq "$status" 0
        assert_eq "$output" "p="
        assert_contains "$stderr" "invalid TOML"
        assert_eq "$(grep -c 'invalid TOML' <<<"$stderr")" 1
    done
}
