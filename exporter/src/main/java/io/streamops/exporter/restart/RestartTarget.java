package io.streamops.exporter.restart;

import io.streamops.exporter.rules.Glob;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code restarts.targets} in exporter.yaml: which jobs it covers (a job name glob and tag
 * globs, like a rule's scope), how they are restarted and by which policy.
 */
public record RestartTarget(String name, List<Glob> jobs, Map<String, Glob> tags, RestarterSettings restarter,
                            RestartPolicy policy) {

    public RestartTarget {
        jobs = List.copyOf(jobs);
        tags = Map.copyOf(tags);
    }

    /** Whether the job is this target's: its name matches one of {@code jobs}, and every tag pattern matches. */
    public boolean covers(String job, Map<String, String> jobTags) {
        if (jobs.stream().noneMatch(glob -> glob.matches(job))) {
            return false;
        }
        for (Map.Entry<String, Glob> wanted : tags.entrySet()) {
            String value = jobTags.get(wanted.getKey());
            if (value == null || !wanted.getValue().matches(value)) {
                return false;
            }
        }
        return true;
    }
}
