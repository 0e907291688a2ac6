# Plays an INA226 bound to the kernel's ina2xx hwmon driver, for tests: a folder shaped like
# /sys/class/hwmon/hwmonN (name, update_interval, curr1_input, in0_input, in1_input, power1_input,
# shunt_resistor) whose readings follow a step schedule. Each file is replaced whole (written aside,
# renamed in), as a read of the kernel's files always sees a whole value. Prints "set <Unix ms before>
# <Unix ms after> <mA>" at each step, the change made between the two, then "done".
#   hwmon-writer.py DIR NAME UPDATE_INTERVAL_MS|none
import os
import sys
import time

STEPS = [(300, 20), (300, 120), (400, 5), (300, 60), (300, 10)]  # (ms, mA)
SHUNT_MICRO_OHM = 100_000
BUS_MV = 3700

folder, name, interval = sys.argv[1:4]


def put(file, value):
    draft = os.path.join(folder, f'.{file}')
    with open(draft, 'w') as f:
        f.write(f'{value}\n')
    os.rename(draft, os.path.join(folder, file))


def reading(ma):
    put('in0_input', ma * SHUNT_MICRO_OHM // 1_000_000)  # shunt mV
    put('power1_input', ma * BUS_MV)  # µW
    put('curr1_input', ma)


os.makedirs(folder, exist_ok=True)
put('name', name)
put('in1_input', BUS_MV)
put('shunt_resistor', SHUNT_MICRO_OHM)
if interval != 'none':
    put('update_interval', interval)
for ms, ma in STEPS:
    before = time.time()
    reading(ma)
    print(f'set {before * 1000:.3f} {time.time() * 1000:.3f} {ma}', flush=True)
    time.sleep(ms / 1000)
print('done', flush=True)
