export { legacyAlertId } from './legacy.js';
export { listAlertFiles, parseAlertText, type ReadAlertResult, readAlertFile } from './reader.js';
export {
  ALERT_SCHEMA,
  type Alert,
  type AlertFromSignalOptions,
  type AlertRisk,
  alertFromSignal,
  alertSchema,
  type TradingSignalAlert,
  type VolatilitySpikeAlert,
  storedAlert,
  validateAlert,
} from './schema.js';
export { alertFileName, alertKind, isTempAlertFile, sweepTempAlertFiles, writeAlert } from './writer.js';
