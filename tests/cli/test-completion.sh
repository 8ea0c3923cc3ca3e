#!/usr/bin/env bash
# The bash completion completes commands, their options and arguments.
# Usage: test-completion.sh COMPLETION_FILE
set -u
file=$1
fail=0
# bash-completion's helpers, reduced to what the completion uses.
_init_completion() {
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
}
_filedir() { COMPREPLY=(FILES); }
poolctl() { printf '%-20s\n' images backup; }  # what `poolctl -q pool-list --all --name` prints
# shellcheck source=/dev/null
source "$file"

check() { # description, expected word, words...
        local what=$1 want=$2; shift 2
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
        _poolctl
        if [[ " ${COMPREPLY[*]} " == *" $want "* ]]; then
                echo "ok - $what"
        else
                echo "not ok - $what: wanted '$want', got '${COMPREPLY[*]}'"; fail=1
        fi
}
check "commands" pool-list poolctl pool-li
check "options of a command" --details poolctl vol-list images --det
check "pool names" images poolctl pool-start im
check "pool names after --pool" backup poolctl vol-info x.img --pool ba
check "wipe algorithms" gutmann poolctl vol-wipe x --algorithm gut
check "files for pool-define" FILES poolctl pool-define ""
exit $fail
