"""Times one ONNX model on ONNX Runtime the way `edgemlops bench` times it on ours.

Same seeded-random input kind (float32 uniform in [-1, 1), 8-bit over the full range), same
warm-up and timed runs, one session, intra_op_num_threads matched. Prints one JSON object with
the keys of `edgemlops bench --json` that the comparison needs. Peak RSS is this process's
getrusage maximum, so it includes the Python interpreter and NumPy (about 30-40 MB), as ours
includes the Swift runtime.

Usage: ort_bench.py MODEL THREADS RUNS WARMUP
"""
import json
import resource
import sys
import time

import numpy as np
import onnxruntime as ort


def main():
    path, threads, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1)
    feeds = {}
    for i in session.get_inputs():
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in i.shape]
        if i.type == "tensor(float)":
            feeds[i.name] = rng.uniform(-1, 1, shape).astype(np.float32)
        elif i.type == "tensor(uint8)":
            feeds[i.name] = rng.integers(0, 256, shape, dtype=np.uint8)
        elif i.type == "tensor(int8)":
            feeds[i.name] = rng.integers(-128, 128, shape, dtype=np.int8)
        else:
            raise SystemExit(f"{path}: input {i.name} has type {i.type}, which this script does not generate")
    for _ in range(warmup):
        session.run(None, feeds)
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        session.run(None, feeds)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    n = len(samples)
    median = samples[n // 2] if n % 2 else (samples[n // 2 - 1] + samples[n // 2]) / 2
    mean = sum(samples) / n
    print(json.dumps({
        "model": path, "threads": threads, "runs": runs, "median_ms": median,
        "p90_ms": samples[max((90 * n + 99) // 100, 1) - 1], "p99_ms": samples[max((99 * n + 99) // 100, 1) - 1],
        "throughput_per_s": 1000 / mean, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "onnxruntime": ort.__version__,
    }))


if __name__ == "__main__":
    main()
