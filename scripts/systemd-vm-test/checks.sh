#!/bin/sh
# Runs inside the VM of scripts/systemd-vm-test.sh (systemd is PID 1, edgemlops installed from the
# .deb, WatchdogSec=4 by drop-in) and prints "VMTEST PASS name" / "VMTEST FAIL name: why" lines
# on the serial console, then powers the VM off. The host script turns them into PASS/FAIL.
unit=edgemlops.service
topic=te/device/main/service/edgemlops
watchdog_s=4

pass() { echo "VMTEST PASS $1"; }
fail() { echo "VMTEST FAIL $1: $2"; }
info() { echo "VMTEST info $1"; }
prop() { systemctl show -p "$1" --value "$unit"; }
# Waits up to $1 seconds for the unit to be active.
wait_active() {
    i=0
    while [ "$i" -lt "$1" ]; do
        [ "$(systemctl is-active "$unit")" = active ] && return 0
        sleep 1; i=$((i + 1))
    done
    return 1
}
# The retained health message (or empty after $1 seconds).
health() { timeout "$1" mosquitto_sub -h 127.0.0.1 -t "$topic/status/health" -C 1 -W "$1" 2>/dev/null; }

echo "VMTEST begin"
info "guest uptime when the checks start: $(cut -d" " -f1 /proc/uptime) s (kernel + systemd to multi-user)"
info "kernel $(uname -r), systemd $(systemctl --version | head -1)"

# The unit as installed: syntax, groups, DeviceAllow entries (verify reports what systemd rejects).
verify=$(systemd-analyze verify "$unit" 2>&1 | grep -v 'vmtest' | grep -iE "edgemlops|unknown|invalid|failed")
if [ -z "$verify" ]; then pass "systemd-analyze verify $unit: no complaints"; else fail "systemd-analyze verify $unit" "$(echo "$verify" | head -3 | tr '\n' ' ')"; fi

# Enabled by postinst, so started at boot after mosquitto.
if [ "$(systemctl is-enabled "$unit")" = enabled ] && wait_active 60; then
    pass "enabled by postinst and active at boot"
else
    fail "enabled by postinst and active at boot" "is-enabled=$(systemctl is-enabled "$unit") is-active=$(systemctl is-active "$unit") result=$(prop Result)"
fi

# Explicit start from stopped: for Type=notify, systemctl start returns only after READY=1.
systemctl stop "$unit"
t0=$(date +%s)
if timeout 90 systemctl start "$unit" && [ "$(prop SubState)" = running ]; then
    pass "systemctl start: active (running), READY=1 after $(( $(date +%s) - t0 ))s (status \"$(prop StatusText)\")"
else
    fail "systemctl start: active (running)" "ActiveState=$(prop ActiveState) SubState=$(prop SubState) Result=$(prop Result)"
fi
pid=$(prop MainPID)

# Identity: user edgemlops, group video among the supplementary groups.
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
groups=$(awk '/^Groups:/ {$1 = ""; print}' "/proc/$pid/status" 2>/dev/null)
video=$(getent group video | cut -d: -f3)
if [ -n "$uid" ] && [ "$uid" = "$(id -u edgemlops)" ]; then pass "main process $pid runs as user edgemlops (uid $uid)"; else fail "main process runs as user edgemlops" "pid=$pid uid=$uid"; fi
case " $groups " in
    *" $video "*) pass "group video ($video) among the process groups ($groups )" ;;
    *) fail "group video among the process groups" "video=$video groups=$groups" ;;
esac

# Measurements and health on the local broker.
m=$(timeout 40 mosquitto_sub -h 127.0.0.1 -t "$topic/m/#" -C 1 -W 40 -v 2>/dev/null)
if [ -n "$m" ]; then pass "measurement on $topic/m/#: $(echo "$m" | cut -c1-120)"; else fail "measurement on $topic/m/#" "none within 40 s"; fi
h=$(health 10)
case "$h" in *'"status":"up"'*) pass "health up: $h" ;; *) fail "health up" "got '$h'" ;; esac

# Watchdog: with WatchdogSec=4 the agent must keep pinging; 3x that without a restart.
restarts=$(prop NRestarts)
info "WatchdogUSec=$(prop WatchdogUSec)"
sleep $((3 * watchdog_s + 1))
if [ "$(prop WatchdogUSec)" = "${watchdog_s}s" ] && [ "$(prop SubState)" = running ] && [ "$(prop MainPID)" = "$pid" ] && [ "$(prop NRestarts)" = "$restarts" ]; then
    pass "watchdog: still running, same pid, after $((3 * watchdog_s + 1))s with WatchdogSec=${watchdog_s}"
else
    fail "watchdog: still running after 3x WatchdogSec" "WatchdogUSec=$(prop WatchdogUSec) SubState=$(prop SubState) MainPID=$(prop MainPID) (was $pid) NRestarts=$(prop NRestarts) Result=$(prop Result)"
fi

# Reload: SIGHUP → RELOADING=1 … READY=1 with STATUS=reloaded…; systemd logs "Reloaded" once READY=1 came.
since=$(date '+%Y-%m-%d %H:%M:%S')
if timeout 60 systemctl reload "$unit" && [ "$(prop MainPID)" = "$pid" ] && [ "$(prop SubState)" = running ]; then
    pass "systemctl reload: succeeds, same pid"
else
    fail "systemctl reload" "SubState=$(prop SubState) MainPID=$(prop MainPID) Result=$(prop Result)"
fi
sleep 1
status=$(prop StatusText)
case "$status" in reloaded*) reloaded_status=yes ;; *) reloaded_status=no ;; esac
if journalctl -u "$unit" --since "$since" --no-pager | grep -q 'Reloaded edgemlops.service' && [ $reloaded_status = yes ]; then
    pass "journal shows the reload, status \"$status\""
else
    fail "journal shows the reload" "status '$status'; journal: $(journalctl -u "$unit" --since "$since" --no-pager | tail -3 | tr '\n' ' ')"
fi

# Hardening as configured and as seen by the running process.
for p in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes DevicePolicy=closed; do
    got=$(prop "${p%%=*}")
    if [ "$got" = "${p#*=}" ]; then pass "systemctl show $p"; else fail "systemctl show $p" "got '$got'"; fi
done
# The root and /usr are read-only in the agent's mount namespace, its state directory is not.
root_opts=$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | tail -1)
state_opts=$(awk '$5 == "/var/lib/edgemlops" {print $6}' "/proc/$pid/mountinfo" | tail -1)
case "$root_opts,$state_opts" in
    ro*,rw*) pass "mountinfo of $pid: / is $root_opts, /var/lib/edgemlops is $state_opts" ;;
    *) fail "mountinfo: / read-only, /var/lib/edgemlops writable" "/ '$root_opts', /var/lib/edgemlops '$state_opts'" ;;
esac
# Writes as the agent, in the agent's own mount namespace.
as_agent() { nsenter -t "$pid" -m -S "$(id -u edgemlops)" -G "$(id -g edgemlops)" sh -c "$1" 2>&1; }
for path in /etc/edgemlops/probe /usr/probe /probe /root/probe /home/probe; do
    if out=$(as_agent "echo x > $path"); then
        fail "agent cannot write $path" "write succeeded"; as_agent "rm -f $path" >/dev/null
    else
        pass "agent cannot write $path ($(echo "$out" | sed 's/.*: //' | head -1))"
    fi
done
for path in /var/lib/edgemlops/probe /var/cache/edgemlops/probe /tmp/probe; do
    if out=$(as_agent "echo x > $path && rm $path"); then pass "agent can write $path"; else fail "agent can write $path" "$out"; fi
done
# PrivateTmp: the agent's /tmp is not the host's.
touch /tmp/vmtest-host-marker
if as_agent 'test -e /tmp/vmtest-host-marker' >/dev/null; then fail "PrivateTmp: host /tmp hidden" "marker visible"; else pass "PrivateTmp: host /tmp hidden from the agent"; fi
info "$(systemd-analyze security "$unit" 2>/dev/null | tail -1)"

# Graceful stop: SIGTERM → health down published, exit 0, Result=success.
# stop_check LABEL: systemctl stop, then Result=success and a clean exit 0.
stop_check() {
    t0=$(date +%s)
    if timeout 90 systemctl stop "$unit"; then
        result=$(prop Result); code=$(prop ExecMainCode); st=$(prop ExecMainStatus)
        # ExecMainCode 1 = CLD_EXITED: the process exited by itself, not killed by a signal.
        if [ "$result" = success ] && [ "$code" = 1 ] && [ "$st" = 0 ]; then
            pass "systemctl stop $1: Result=success, exited with status 0 after $(( $(date +%s) - t0 ))s"
        else
            fail "systemctl stop $1: Result=success, exit 0" "Result=$result ExecMainCode=$code ExecMainStatus=$st"
        fi
    else
        fail "systemctl stop $1" "did not return within 90 s"
    fi
}
# First under the test's WatchdogSec=4: systemd enforces the watchdog while the unit stops and
# the agent's pings end at STOPPING=1; the agent sends WATCHDOG_USEC=90 s with it, so a drain
# slower than 4 s (TCG's outbox flush) must still end in Result=success, not SIGABRT.
stop_check "with WatchdogSec=$(prop WatchdogUSec)"
h=$(health 5)
case "$h" in *'"status":"down"'*) pass "health down after stop: $h" ;; *) fail "health down after stop" "got '$h'" ;; esac

# Then the packaged WatchdogSec: start and stop once more.
rm -f /etc/systemd/system/edgemlops.service.d/vmtest.conf
systemctl daemon-reload
if timeout 90 systemctl start "$unit" && [ "$(prop SubState)" = running ] && [ "$(prop MainPID)" != "$pid" ]; then
    pass "systemctl start with the packaged WatchdogSec=$(prop WatchdogUSec): active (running), new pid $(prop MainPID)"
else
    fail "systemctl start with the packaged WatchdogSec" "SubState=$(prop SubState) MainPID=$(prop MainPID) Result=$(prop Result)"
fi
sleep 3
stop_check "with the packaged WatchdogSec"

journalctl -u "$unit" --no-pager -o short-monotonic | tail -60 | sed 's/^/VMTEST journal /'
echo "VMTEST end"
systemctl --no-block poweroff
