package io.streamops.exporter.route;

import java.time.Instant;
import java.util.List;

/**
 * One routing concern, as a stage of Alertmanager's notify pipeline: the notices of alerts on their way to
 * their receivers come in, and those that go on to the next stage come out, changed or not. A stage may
 * keep what it holds back (the groups keep theirs until their wait is over). {@link AlertRouter} runs every
 * new transition, every repeat and every second look at a muted alert through the same stages, in the one
 * order it writes down.
 */
interface Stage {
    List<Notice> apply(List<Notice> notices, Instant now);
}
