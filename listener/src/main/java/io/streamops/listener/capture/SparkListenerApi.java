package io.streamops.listener.capture;

import org.apache.spark.sql.streaming.StreamingQueryListener.QueryTerminatedEvent;
import scala.Option;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What the running Spark's listener API offers, looked up once per JVM.
 *
 * <p>The jar is compiled against Spark 3.5 but runs on 3.3 to 4.1. Accessors that a version lacks are
 * found absent here, at class initialisation, and read as absent values afterwards, never as a
 * {@code NoSuchMethodError} per event: before 3.5, {@code QueryTerminatedEvent.errorClassOnException()}
 * does not exist. ({@code QueryIdleEvent} does not either, but needs nothing here: a Spark without it
 * never calls {@code onQueryIdle}, and the listener links without it, as the version matrix shows on
 * 3.3 and 3.4.)
 */
public final class SparkListenerApi {
    private static final MethodHandle ERROR_CLASS_ON_EXCEPTION =
            accessor(QueryTerminatedEvent.class, "errorClassOnException", Option.class);

    private SparkListenerApi() {
    }

    /** The terminated event's error class; null when there is none or this Spark cannot tell (before 3.5). */
    @SuppressWarnings("unchecked")
    static String errorClassOnException(QueryTerminatedEvent event) {
        if (ERROR_CLASS_ON_EXCEPTION == null) {
            return null;
        }
        try {
            return SparkEventReader.orNull((Option<String>) ERROR_CLASS_ON_EXCEPTION.invoke(event));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("errorClassOnException() failed", t);
        }
    }

    private static MethodHandle accessor(Class<?> owner, String name, Class<?> returns) {
        try {
            return MethodHandles.publicLookup().findVirtual(owner, name, MethodType.methodType(returns));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
