package clearbg.jobs.tracking;

/**
 * A run's parameter as MLflow's REST API takes it (the field names are the API's).
 *
 * @param key the parameter's name
 * @param value its value
 */
record Param(String key, String value) {}
