package clearbg.jobs.tracking;

/**
 * One metric value as MLflow's REST API takes it (the field names are the API's).
 *
 * @param key the metric's name
 * @param value the value (NaN and infinities are sent as MLflow's JSON strings)
 * @param timestamp when it was measured, milliseconds since the epoch
 * @param step the training step or epoch it belongs to
 */
record Metric(String key, double value, long timestamp, long step) {}
