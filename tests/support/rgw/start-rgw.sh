#!/bin/bash
# Adapted from the team's measured reference. Needs: apt-get install ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl
# Throw-away single-node Ceph (mon + memstore OSD, cephx, no mgr) + radosgw on 127.0.0.1
set -euo pipefail
T0=$(date +%s.%N); BASE=${RGW_BASE:-/tmp/rgw}; RUN=$BASE/run; mkdir -p "$RUN"
PORT=${RGW_PORT:-7480}; MONPORT=${MON_PORT:-3300}; MEM=${MEMSTORE_BYTES:-8589934592}
AK=${RGW_ACCESS_KEY:-TESTACCESSKEY0000001}; SK=${RGW_SECRET_KEY:-testsecretkey0000000000000000000000000001}
for p in "$RUN"/*.pid; do [ -e "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null && { echo "running; use stop-rgw.sh" >&2; exit 1; }; done
rm -f "$RUN"/*.pid
D=$(mktemp -d "$BASE/cluster.XXXXXX"); echo "$D" > "$RUN/cluster_dir"
trap 'echo "start failed; logs in $D/log" >&2; KEEP_LOGS=1 RGW_BASE="$BASE" "$(dirname "$0")/stop-rgw.sh"' ERR
mkdir -p "$D"/{log,run,osd.0}; FSID=$(uuidgen); OSD_UUID=$(uuidgen); K=$D/keyring
export CEPH_CONF=$D/ceph.conf
cat > "$CEPH_CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MONPORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
keyring = $K
log file = $D/log/\$name.log
admin socket = $D/run/\$name.asok
pid file = $RUN/\$name.pid
mon data = $D/\$name
osd data = $D/\$name
osd objectstore = memstore
memstore device bytes = $MEM
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
paxos propose interval = 0.1
paxos min wait = 0.01
mon data avail warn = 1
mon warn on pool no redundancy = false
[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
EOF
ceph-authtool "$K" -C -g -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$K" -g -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$K" -g -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
ceph-authtool "$K" -g -n client.rgw.gw --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MONPORT]" "$D/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$K"
ceph-mon -i a                                   # each daemon forks and writes $RUN/<name>.pid
ceph osd new "$OSD_UUID" 0 >/dev/null
ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" 2>>"$D/log/osd.err"
ceph-osd -i 0 2>>"$D/log/osd.err"
radosgw -n client.rgw.gw
radosgw-admin user create --uid=tester --display-name=tester \
  --access-key="$AK" --secret-key="$SK" >/dev/null 2>>"$D/log/admin.err"
for i in $(seq 240); do curl -fso /dev/null "http://127.0.0.1:$PORT/" && break; [ "$i" != 240 ]; sleep 0.5; done
echo "endpoint=http://127.0.0.1:$PORT region=us-east-1 path-style"
echo "access_key=$AK secret_key=$SK"
echo "cluster_dir=$D pids=$(cat "$RUN"/*.pid | xargs)"
awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "ready_after_s=%.1f\n", b-a}'
