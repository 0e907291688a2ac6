import type { ModuleProfile } from '../profiles.ts';
import { QUECTEL, QUECTEL_PWRKEY } from './common.ts';

export const quectelBg95: ModuleProfile = {
  ...QUECTEL,
  id: 'quectel-bg95',
  description: 'Quectel BG95/BG96 (LTE-M/NB-IoT): "+CGEV: PDN ACT <cid>", +QUSIM on SIM re-initialisation, toolkit behind AT+QSTK',
  pwrkey: QUECTEL_PWRKEY,
  // The AT port is a USB function as well as the main UART: a restart drops and re-adds the USB device.
  reenumeratesOnUsb: true,
  unconfirmed: 'the 30 s shutdown wait is the Cat 4 figure; BG95 likely needs less; AT+CUSATA/+CUSATT (the active toolkit mode) and AT+QSTK',
};
