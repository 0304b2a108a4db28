#!/usr/bin/env bash
# The README's test command (`make test`): installs what is missing, builds, and runs every
# suite — Swift tests (unit and integration against a private mosquitto), the ONNX Runtime
# conformance models, the kernel tester natively and under qemu for both Raspberry Pi CPUs,
# V4L2 capture against the kernel's vivid driver in a qemu VM,
# and the kernel-vs-ONNX-Runtime operator check. Ends with one line "N passed, N failed".
#
# Environment: EDGEMLOPS_CACHE (default $HOME/.cache/edgemlops) holds Python environments and
# generated models between runs; SWIFT_TEST_ARGS adds arguments to `swift test`.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/.build/test-results"
mkdir -p "$results"
passed=0
failed=0

step() { printf '\n==== %s\n' "$*"; }

# Adds "N cases, M failed"-style counts from a log, or 1 pass/fail for the step's exit code.
count_log() {
    local name=$1 status=$2 log=$3 line cases bad
    line=$(grep -Eo '[0-9]+ cases, [0-9]+ (failed|with unexpected differences)' "$log" | tail -1)
    if [[ -n "$line" ]]; then
        cases=$(awk '{print $1}' <<<"$line")
        bad=$(awk '{print $3}' <<<"$line")
        passed=$((passed + cases - bad))
        failed=$((failed + bad))
    fi
    if [[ $status -ne 0 && ( -z "$line" || "$bad" -eq 0 ) ]]; then
        echo "$name: exited with status $status"
        failed=$((failed + 1))
    elif [[ -z "$line" ]]; then
        passed=$((passed + 1))
    fi
}

step "dependencies"
if ! packaging/install-deps.sh; then
    echo "0 passed, 1 failed"
    exit 1
fi

step "ONNX conformance models (onnx + onnxruntime from PyPI, cached)"
if models=$(scripts/conformance/make-models.sh); then
    export EDGEMLOPS_CONFORMANCE_MODELS="$models"
    echo "models: $models"
else
    echo "conformance models could not be built"
    failed=$((failed + 1))
fi

step "swift build"
if ! swift build --build-tests; then
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
fi

step "swift test"
rm -f "$results"/swift*.xml
# shellcheck disable=SC2086
swift test --skip-build --xunit-output "$results/swift.xml" ${SWIFT_TEST_ARGS:-} 2>&1 | tee "$results/swift.log"
swift_status=${PIPESTATUS[0]}
read -r cases failures < <(python3 scripts/count-xunit.py "$results"/swift*.xml)
passed=$((passed + cases - failures))
failed=$((failed + failures))
if [[ $swift_status -ne 0 && $failures -eq 0 ]]; then
    echo "swift test exited with status $swift_status"
    failed=$((failed + 1))
fi

# The executor's ONNX Runtime comparison again on every other kernel path this CPU has.
if [[ -n "${EDGEMLOPS_CONFORMANCE_MODELS:-}" ]]; then
    for isa in $(.build/debug/edgemlops doctor --json 2>/dev/null | python3 -c '
import json, sys
report = json.load(sys.stdin)
have = {c["name"] for c in report["checks"] if c["category"] == "cpu" and c["status"] == "ok"}
paths = ["scalar"] + [isa for isa, need in [("avx2", "AVX2+FMA"), ("neon", "NEON")] if need in have]
print(" ".join(paths))'); do
        step "executor vs ONNX Runtime with EDGEMLOPS_ISA=$isa"
        rm -f "$results"/isa-"$isa"*.xml
        EDGEMLOPS_ISA=$isa swift test --skip-build --filter ExecutorConformanceTests \
            --xunit-output "$results/isa-$isa.xml" 2>&1 | grep -E "Test run with|✘|verdict|FAIL" | tail -15
        read -r cases failures < <(python3 scripts/count-xunit.py "$results"/isa-"$isa"*.xml)
        if [[ $cases -eq 0 ]]; then failures=1; fi
        passed=$((passed + cases - failures))
        failed=$((failed + failures))
    done
fi

step "kernel tester: native and qemu-aarch64 (Cortex-A72, max)"
scripts/check-kernels-aarch64.sh >"$results/kernels-aarch64.log" 2>&1
status=$?
grep -E '^(==|ck_tester)' "$results/kernels-aarch64.log"
count_log "kernels-aarch64" $status "$results/kernels-aarch64.log"

step "V4L2 capture against the vivid driver in a qemu VM"
if [[ "${EDGEMLOPS_SKIP_VM_TEST:-}" == 1 ]]; then
    echo "skipped (EDGEMLOPS_SKIP_VM_TEST=1)"
else
    scripts/vivid-vm-test.sh .build/debug/edgemlops >"$results/vivid-vm.log" 2>&1
    status=$?
    grep -E '^(ok|FAIL) |^vivid-vm-test:' "$results/vivid-vm.log"
    vm_ok=$(grep -c '^ok ' "$results/vivid-vm.log")
    vm_fail=$(grep -c '^FAIL ' "$results/vivid-vm.log")
    passed=$((passed + vm_ok))
    failed=$((failed + vm_fail))
    if [[ $status -ne 0 && $vm_fail -eq 0 ]]; then
        echo "vivid-vm-test exited with status $status"
        tail -20 "$results/vivid-vm.log"
        failed=$((failed + 1))
    fi
fi

step "kernels vs ONNX Runtime, operator by operator"
scripts/check-kernels-ort.sh >"$results/kernels-ort.log" 2>&1
status=$?
tail -3 "$results/kernels-ort.log"
count_log "kernels-ort" $status "$results/kernels-ort.log"

step "edgemlops quantize outputs in ONNX Runtime (static and dynamic, conformance nets)"
scripts/quantize-interop/check.sh >"$results/quantize-interop.log" 2>&1
status=$?
grep -E '^FAIL' "$results/quantize-interop.log" | head -20
tail -1 "$results/quantize-interop.log"
count_log "quantize-interop" $status "$results/quantize-interop.log"

step "Debian package in a Debian 12 chroot (install, upgrade, remove, purge) and under systemd in qemu"
if [[ "${EDGEMLOPS_SKIP_PACKAGE_TEST:-}" == 1 ]]; then
    echo "skipped (EDGEMLOPS_SKIP_PACKAGE_TEST=1)"
else
    scripts/package-test.sh >"$results/package-test.log" 2>&1
    status=$?
    grep -E '^(PASS|FAIL) ' "$results/package-test.log"
    count_log "package-test" $status "$results/package-test.log"
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
