// Names of +CME ERROR codes (TS 27.007 §9.2) and +CMS ERROR codes (TS 27.005 §3.2.5, with the
// RP and TP causes of TS 24.011 / TS 23.040 that share its number space).

/** A code → name table that also finds the code of a verbose error text (`AT+CMEE=2`). */
export class ErrorTable {
  private readonly names: ReadonlyMap<number, string>;
  private readonly codes = new Map<string, number>();

  constructor(entries: ReadonlyArray<readonly [number, string]>) {
    this.names = new Map(entries);
    for (const [code, name] of entries) {
      if (!this.codes.has(normalise(name))) this.codes.set(normalise(name), code);
    }
  }

  name(code: number): string | undefined {
    return this.names.get(code);
  }

  /** What an error's detail (`10` or `SIM not inserted`) says: its code and name where known. */
  describe(detail: string): { code?: number; name?: string } {
    const text = detail.trim();
    if (/^\d+$/.test(text)) {
      const code = Number(text);
      const name = this.names.get(code);
      return name === undefined ? { code } : { code, name };
    }
    if (text === '') return {};
    const code = this.codes.get(normalise(text));
    return code === undefined ? { name: text } : { code, name: this.names.get(code)! };
  }
}

// Modules vary case and punctuation of the verbose texts ("PH-SIM PIN required", "PH_SIM PIN Required").
function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export const CME_ERRORS = new ErrorTable([
  [0, 'phone failure'],
  [1, 'no connection to phone'],
  [2, 'phone-adaptor link reserved'],
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [5, 'PH-SIM PIN required'],
  [6, 'PH-FSIM PIN required'],
  [7, 'PH-FSIM PUK required'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [14, 'SIM busy'],
  [15, 'SIM wrong'],
  [16, 'incorrect password'],
  [17, 'SIM PIN2 required'],
  [18, 'SIM PUK2 required'],
  [20, 'memory full'],
  [21, 'invalid index'],
  [22, 'not found'],
  [23, 'memory failure'],
  [24, 'text string too long'],
  [25, 'invalid characters in text string'],
  [26, 'dial string too long'],
  [27, 'invalid characters in dial string'],
  [30, 'no network service'],
  [31, 'network timeout'],
  [32, 'network not allowed - emergency calls only'],
  [40, 'network personalization PIN required'],
  [41, 'network personalization PUK required'],
  [42, 'network subset personalization PIN required'],
  [43, 'network subset personalization PUK required'],
  [44, 'service provider personalization PIN required'],
  [45, 'service provider personalization PUK required'],
  [46, 'corporate personalization PIN required'],
  [47, 'corporate personalization PUK required'],
  [48, 'hidden key required'],
  [49, 'EAP method not supported'],
  [50, 'incorrect parameters'],
  [51, 'command implemented but currently disabled'],
  [52, 'command aborted by user'],
  [53, 'not attached to network due to MT functionality restrictions'],
  [54, 'modem not allowed - MT restricted to emergency calls only'],
  [55, 'operation not allowed because of MT functionality restrictions'],
  [56, 'fixed dial number only allowed'],
  [57, 'temporarily out of service due to other MT usage'],
  [58, 'language/alphabet not supported'],
  [59, 'unexpected data value'],
  [60, 'system failure'],
  [61, 'data missing'],
  [62, 'call barred'],
  [63, 'message waiting indication subscription failure'],
  [100, 'unknown'],
  [102, 'IMSI unknown in HSS'],
  [103, 'illegal MS'],
  [104, 'IMSI unknown in VLR'],
  [105, 'IMEI not accepted'],
  [106, 'illegal ME'],
  [107, 'GPRS services not allowed'],
  [108, 'GPRS services and non-GPRS services not allowed'],
  [109, 'MS identity cannot be derived by the network'],
  [110, 'implicitly detached'],
  [111, 'PLMN not allowed'],
  [112, 'location area not allowed'],
  [113, 'roaming not allowed in this location area'],
  [114, 'GPRS services not allowed in this PLMN'],
  [115, 'no suitable cells in location area'],
  [116, 'MSC temporarily not reachable'],
  [117, 'network failure'],
  [122, 'congestion'],
  [125, 'not authorized for this CSG'],
  [126, 'insufficient resources'],
  [127, 'missing or unknown APN'],
  [128, 'unknown PDP address or PDP type'],
  [129, 'user authentication failed'],
  [130, 'activation rejected by GGSN, Serving GW or PDN GW'],
  [131, 'activation rejected, unspecified'],
  [132, 'service option not supported'],
  [133, 'requested service option not subscribed'],
  [134, 'service option temporarily out of order'],
  [140, 'feature not supported'],
  [141, 'semantic error in the TFT operation'],
  [142, 'syntactical error in the TFT operation'],
  [143, 'unknown PDP context'],
  [144, 'semantic errors in packet filter(s)'],
  [145, 'syntactical errors in packet filter(s)'],
  [146, 'PDP context without TFT already activated'],
  [148, 'unspecified GPRS error'],
  [149, 'PDP authentication failure'],
  [150, 'invalid mobile class'],
  [171, 'last PDN disconnection not allowed'],
  [172, 'semantically incorrect message'],
  [173, 'invalid mandatory information'],
  [174, 'message type non-existent or not implemented'],
  [175, 'conditional IE error'],
  [176, 'protocol error, unspecified'],
  [177, 'operator determined barring'],
  [178, 'maximum number of PDP contexts reached'],
  [179, 'requested APN not supported in current RAT and PLMN combination'],
]);

export const CMS_ERRORS = new ErrorTable([
  [1, 'unassigned (unallocated) number'],
  [8, 'operator determined barring'],
  [10, 'call barred'],
  [21, 'short message transfer rejected'],
  [27, 'destination out of service'],
  [28, 'unidentified subscriber'],
  [29, 'facility rejected'],
  [30, 'unknown subscriber'],
  [38, 'network out of order'],
  [41, 'temporary failure'],
  [42, 'congestion'],
  [47, 'resources unavailable, unspecified'],
  [50, 'requested facility not subscribed'],
  [69, 'requested facility not implemented'],
  [81, 'invalid short message transfer reference value'],
  [95, 'invalid message, unspecified'],
  [96, 'invalid mandatory information'],
  [97, 'message type non-existent or not implemented'],
  [98, 'message not compatible with short message protocol state'],
  [99, 'information element non-existent or not implemented'],
  [111, 'protocol error, unspecified'],
  [127, 'interworking, unspecified'],
  [128, 'telematic interworking not supported'],
  [129, 'short message type 0 not supported'],
  [130, 'cannot replace short message'],
  [143, 'unspecified TP-PID error'],
  [144, 'data coding scheme (alphabet) not supported'],
  [145, 'message class not supported'],
  [159, 'unspecified TP-DCS error'],
  [160, 'command cannot be actioned'],
  [161, 'command unsupported'],
  [175, 'unspecified TP-Command error'],
  [176, 'TPDU not supported'],
  [192, 'SC busy'],
  [193, 'no SC subscription'],
  [194, 'SC system failure'],
  [195, 'invalid SME address'],
  [196, 'destination SME barred'],
  [197, 'SM rejected - duplicate SM'],
  [198, 'TP-VPF not supported'],
  [199, 'TP-VP not supported'],
  [208, 'SIM SMS storage full'],
  [209, 'no SMS storage capability in SIM'],
  [210, 'error in MS'],
  [211, 'memory capacity exceeded'],
  [212, 'SIM application toolkit busy'],
  [213, 'SIM data download error'],
  [255, 'unspecified error cause'],
  [300, 'ME failure'],
  [301, 'SMS service of ME reserved'],
  [302, 'operation not allowed'],
  [303, 'operation not supported'],
  [304, 'invalid PDU mode parameter'],
  [305, 'invalid text mode parameter'],
  [310, '(U)SIM not inserted'],
  [311, '(U)SIM PIN required'],
  [312, 'PH-(U)SIM PIN required'],
  [313, '(U)SIM failure'],
  [314, '(U)SIM busy'],
  [315, '(U)SIM wrong'],
  [316, '(U)SIM PUK required'],
  [317, '(U)SIM PIN2 required'],
  [318, '(U)SIM PUK2 required'],
  [320, 'memory failure'],
  [321, 'invalid memory index'],
  [322, 'memory full'],
  [330, 'SMSC address unknown'],
  [331, 'no network service'],
  [332, 'network timeout'],
  [340, 'no +CNMA acknowledgement expected'],
  [500, 'unknown error'],
]);
