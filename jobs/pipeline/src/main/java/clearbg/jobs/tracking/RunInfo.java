package clearbg.jobs.tracking;

/**
 * What a tracker needs to know of its run.
 *
 * @param runId the run's id
 * @param experimentId the id of the experiment it belongs to
 * @param artifactUri the root of its artifacts, as the server reported it
 */
record RunInfo(String runId, String experimentId, String artifactUri) {}
