# bash completion for poolctl: commands, their options, and pool names from the daemon.
# Installed as share/bash-completion/completions/poolctl.

_poolctl_pools() {
        poolctl -q pool-list --all --name 2>/dev/null | sed 's/ *$//'
}

_poolctl() {
        local cur prev words cword
        _init_completion || return

        local -A opts=(
                [pool-autostart]="--disable"
                [pool-build]="--overwrite --no-overwrite"
                [pool-create]="--build --overwrite --no-overwrite"
                [pool-create-as]="--print-xml --build --overwrite --no-overwrite --source-host --source-path --source-dev --source-name --target --source-format --auth-type --auth-username --secret-usage --secret-uuid --adapter-name --adapter-wwnn --adapter-wwpn --adapter-parent --adapter-parent-wwnn --adapter-parent-wwpn --adapter-parent-fabric-wwn --source-protocol-ver --source-initiator"
                [pool-define]="--validate"
                [pool-define-as]="--print-xml --source-host --source-path --source-dev --source-name --target --source-format --auth-type --auth-username --secret-usage --secret-uuid --adapter-name --adapter-wwnn --adapter-wwpn --adapter-parent --adapter-parent-wwnn --adapter-parent-wwpn --adapter-parent-fabric-wwn --source-protocol-ver --source-initiator"
                [pool-delete]=""
                [pool-destroy]=""
                [pool-dumpxml]="--inactive --xpath --wrap"
                [pool-edit]=""
                [pool-event]="--pool --event --loop --timeout --list --timestamp"
                [pool-info]="--bytes --json"
                [pool-list]="--all --inactive --transient --persistent --autostart --no-autostart --type --details --uuid --name --json"
                [pool-name]=""
                [pool-refresh]=""
                [pool-start]="--build --overwrite --no-overwrite"
                [pool-undefine]=""
                [pool-uuid]=""
                [pool-capabilities]=""
                [find-storage-pool-sources]="--srcSpec"
                [find-storage-pool-sources-as]="--host --port --initiator"
                [vol-clone]="--pool --prealloc-metadata --reflink --print-xml"
                [vol-create]="--prealloc-metadata --validate"
                [vol-create-as]="--allocation --format --backing-vol --backing-vol-format --prealloc-metadata --print-xml"
                [vol-create-from]="--inputpool --prealloc-metadata --reflink --validate"
                [vol-delete]="--pool --delete-snapshots"
                [vol-download]="--pool --offset --length --sparse"
                [vol-dumpxml]="--pool --xpath --wrap"
                [vol-info]="--pool --bytes --physical --json"
                [vol-key]="--pool"
                [vol-list]="--details --json"
                [vol-name]=""
                [vol-path]="--pool"
                [vol-pool]="--uuid"
                [vol-resize]="--pool --allocate --delta --shrink"
                [vol-upload]="--pool --offset --length --sparse"
                [vol-wipe]="--pool --algorithm"
                [event]="--pool --loop --timeout --timestamp"
                [status]="--json"
                [wait]="--timeout"
                [validate]="--print --pool"
        )

        local cmd="" i
        for ((i = 1; i < cword; i++)); do
                if [[ -n ${opts[${words[i]}]+x} ]]; then
                        cmd=${words[i]}
                        break
                fi
        done

        if [[ -z $cmd ]]; then
                COMPREPLY=($(compgen -W "-q --quiet --help --version ${!opts[*]}" -- "$cur"))
                return
        fi
        case $prev in
                --pool|--inputpool) COMPREPLY=($(compgen -W "$(_poolctl_pools)" -- "$cur")); return ;;
                --algorithm) COMPREPLY=($(compgen -W "zero nnsa dod bsi gutmann schneier pfitzner7 pfitzner33 random trim" -- "$cur")); return ;;
                --format|--backing-vol-format) COMPREPLY=($(compgen -W "raw qcow2 qcow qed vmdk vdi vpc bochs" -- "$cur")); return ;;
                --event) COMPREPLY=($(compgen -W "lifecycle refresh" -- "$cur")); return ;;
                --type) COMPREPLY=($(compgen -W "dir fs netfs logical disk iscsi iscsi-direct scsi mpath rbd sheepdog gluster zfs vstorage" -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "${opts[$cmd]}" -- "$cur"))
        elif [[ $cmd == pool-* || $cmd == vol-list || $cmd == wait || $cmd == status ]] &&
             [[ $cmd != pool-define* && $cmd != pool-create* ]]; then
                COMPREPLY=($(compgen -W "$(_poolctl_pools)" -- "$cur"))
        else
                _filedir
        fi
}
complete -F _poolctl poolctl
