# An instrument's command-line tool, for tests: prints the current of a known step schedule every
# 10 ms in real time, as CSV or JSON lines, with or without a declared start; writes the Unix ms of
# its t = 0 and its pid to the file given, for the test's ground truth.
#   stepped-instrument.py csv|jsonl declare|spawn TRUTH_FILE
import json
import sys
import time

STEPS = [(0.4, 0.010), (0.8, 0.100), (1.2, 0.030), (1.6, 0.200)]
IDLE = 0.005


def current(t):
    return next((amperes for until, amperes in STEPS if t < until), IDLE)


fmt, how, truth = sys.argv[1:4]
start = time.time()
with open(truth, 'w') as f:
    f.write(f'{start * 1000:.3f} {__import__("os").getpid()}\n')
if how == 'declare':
    print(f'start,{start * 1000:.3f}' if fmt == 'csv' else json.dumps({'start': start * 1000}), flush=True)
i = 0
while True:
    t = i * 0.01
    wait = start + t - time.time()
    if wait > 0:
        time.sleep(wait)
    print(f'{t:.3f},{current(t)}' if fmt == 'csv' else json.dumps({'t': round(t, 3), 'current': current(t)}), flush=True)
    i += 1
