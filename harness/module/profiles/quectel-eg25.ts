import type { ModuleProfile } from '../profiles.ts';
import { QUECTEL, QUECTEL_PWRKEY } from './common.ts';

export const quectelEg25: ModuleProfile = {
  ...QUECTEL,
  id: 'quectel-eg25',
  description: 'Quectel EG25-G (LTE Cat 4): Quectel dialect as the BG95, AT port usually on USB',
  pwrkey: QUECTEL_PWRKEY,
  reenumeratesOnUsb: true,
  unconfirmed: 'AT+CUSATA/+CUSATT (the active toolkit mode) and AT+QSTK',
};
