// How long the module's bytes may wait before they reach the harness process, outside what the
// event loop's bound sees (Urc.stampLateBy): a USB serial adapter holds a short read back until its
// buffer fills or its latency timer runs out, and a relay (ser2net, a PTY bridge) adds its own turn.
//
// FTDI adapters (ftdi_sio) expose the timer as /sys/bus/usb-serial/devices/ttyUSBn/latency_timer,
// in ms; the chip's default is 16 ms (FTDI AN232B-04, "Data Latency Flow"), which some kernels lower
// to 1 ms. A module's own USB ports (the `option` driver of Quectel, SIMCom, Telit ttyUSBn; cdc_acm
// ttyACMn) have no such timer: their reads come within a USB frame, inside the base resolution.
import { readFileSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';

export const USB_SERIAL_DEVICES = '/sys/bus/usb-serial/devices';

export interface PortLatency {
  /** Wall ms bytes may wait before the process can read them. */
  wallMs: number;
  /** Where the figure comes from, as a note says it. */
  source: string;
  /** The adapter's latency timer file the figure was read from: one that can be lowered. */
  timer?: string;
}

/** The rig file's `serial.latency` if it declares one, else an FTDI adapter's latency timer, else none. */
export function portLatency(path: string, declared: number | undefined, devices = USB_SERIAL_DEVICES): PortLatency {
  if (declared !== undefined) return { wallMs: declared, source: 'serial.latency in the rig file' };
  const timer = latencyTimerOf(path, devices);
  if (timer) return timer;
  return { wallMs: 0, source: 'none declared, and no USB serial latency timer found for the port' };
}

function latencyTimerOf(path: string, devices: string): PortLatency | undefined {
  let device: string;
  try {
    device = basename(realpathSync(path)); // a /dev/serial/by-id/ link names its ttyUSBn
  } catch {
    return undefined; // not there (yet): nothing to read
  }
  const file = join(devices, device, 'latency_timer');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // not a usb-serial port, or a driver without a latency timer
  }
  const ms = Number(text.trim());
  if (!Number.isInteger(ms) || ms < 0 || ms > 255) throw new Error(`${file} holds ${JSON.stringify(text.trim())}: expected the adapter's latency timer, a whole number of ms from 0 to 255`);
  return { wallMs: ms, source: file, timer: file };
}
