package io.streamops.listener.it;

import io.streamops.listener.StreamOpsListener;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar users drop into spark-submit: Java 8 bytecode only, every third-party class relocated, and
 * a real Spark job runs with it on the classpath even though it carries a Jackson that would kill
 * Spark 3.5 unrelocated.
 */
class ShadedJarTest {

    private static Path listenerJar() throws Exception {
        Path path = Path.of(StreamOpsListener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(path.toString()).as("the listener must come from the shaded jar, not classes").endsWith(".jar");
        // Both jars hold the same class names; surefire keeps the 2.13 one off this (Scala 2.12) classpath.
        assertThat(path.getFileName().toString()).as("the jar the listener class came from").startsWith("streamops-listener_2.12-");
        return path;
    }

    @Test
    void everyClassIsJava8BytecodeUnderOurOwnPackage() throws Exception {
        assertJava8AndRelocated(listenerJar());
    }

    /** The Scala 2.13 jar (Spark 3.x on 2.13, Spark 4.x) keeps the same rules: Spark 4 needs Java 17, the jar does not. */
    @Test
    void theScala213JarToo() throws Exception {
        Path jar = Path.of(System.getProperty("listener.jars"), "streamops-listener_2.13.jar");
        assertJava8AndRelocated(jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Implementation-Title")).isEqualTo("streamops-listener_2.13");
            assertThat(file.getEntry("io/streamops/listener/StreamOpsListener.class")).isNotNull();
            assertThat(file.getEntry("io/streamops/events/streamops-event-v1.schema.json")).isNotNull();
        }
    }

    /** The Scala 2.12 jar is the one on this test's classpath, even though the 2.13 jar is a dependency of the module. */
    @Test
    void theListenerOnTheClasspathIsTheScala212Jar() throws Exception {
        listenerJar();
        assertThat(System.getProperty("java.class.path")).doesNotContain("streamops-listener_2.13");
    }

    /**
     * A build that resolves the jar by its coordinates gets the jar alone: everything it was built from is
     * inside it, relocated, so each dependency of the pom that gets installed (the shade plugin's
     * dependency-reduced pom) and of its parents is optional, provided (Spark) or test-only.
     */
    @Test
    void resolvingTheJarByCoordinatesBringsNoOtherJar() throws Exception {
        for (String module : List.of("listener", "listener_2.13")) {
            Path pom = Paths.get("..", module, "dependency-reduced-pom.xml").toAbsolutePath().normalize();
            assertThat(pom).as("the shade plugin writes the pom it installs").exists();
            List<String> transitive = new ArrayList<>();
            List<Path> chain = new ArrayList<>();
            for (Path p = pom; p != null; p = parentPom(p)) {
                chain.add(p);
                transitive.addAll(transitiveDependencies(p));
            }
            assertThat(chain).as("the poms from %s up", module).hasSizeGreaterThanOrEqualTo(3);
            assertThat(transitive).as("dependencies a user of %s would get with it", module).isEmpty();
        }
    }

    /** The dependencies of a pom (and its profiles) that reach its users: neither optional, provided nor test. */
    private static List<String> transitiveDependencies(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        List<String> found = new ArrayList<>();
        NodeList dependencies = project.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            Node list = dependency.getParentNode();
            // Only <dependencies> of the project or a profile: managed versions and plugins' own do not reach users.
            if (!list.getNodeName().equals("dependencies") || !(list.getParentNode().getNodeName().equals("project")
                    || list.getParentNode().getNodeName().equals("profile"))) {
                continue;
            }
            String scope = child(dependency, "scope");
            if (!"true".equals(child(dependency, "optional")) && !"provided".equals(scope) && !"test".equals(scope)) {
                found.add(child(dependency, "groupId") + ":" + child(dependency, "artifactId") + " in " + pom);
            }
        }
        return found;
    }

    /** The parent pom by its relativePath (Maven's default ../pom.xml), or null at the top of the repository's tree. */
    private static Path parentPom(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        NodeList parents = project.getElementsByTagName("parent");
        if (parents.getLength() == 0) {
            return null;
        }
        String relative = child((Element) parents.item(0), "relativePath");
        Path parent = pom.getParent().resolve(relative == null ? "../pom.xml" : relative).normalize();
        if (Files.isDirectory(parent)) {
            parent = parent.resolve("pom.xml");
        }
        assertThat(parent).as("parent of %s", pom).exists();
        return parent;
    }

    private static String child(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n.getTextContent().trim();
            }
        }
        return null;
    }

    private static void assertJava8AndRelocated(Path path) throws Exception {
        List<String> tooNew = new ArrayList<>();
        List<String> unrelocated = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(path.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                // Multi-release variants are only loaded by newer JVMs; the base classes are what Java 8 runs.
                if (!name.endsWith(".class") || name.startsWith("META-INF/versions/")) {
                    continue;
                }
                classes++;
                if (!name.startsWith("io/streamops/")) {
                    unrelocated.add(name);
                }
                try (InputStream in = jar.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
                    int magic = data.readInt();
                    data.readUnsignedShort(); // minor
                    int major = data.readUnsignedShort();
                    assertThat(magic).isEqualTo(0xCAFEBABE);
                    if (major > 52) {
                        tooNew.add(name + " (class file " + major + ")");
                    }
                }
            }
        }
        assertThat(classes).isGreaterThan(1000);
        assertThat(tooNew).as("classes newer than Java 8").isEmpty();
        assertThat(unrelocated).as("third-party classes not relocated").isEmpty();
    }

    @Test
    void aRealSparkJobRunsBesideTheRelocatedJacksonAndKafka() throws Exception {
        // Ours: Jackson 2.16+ and kafka-clients 3.9, relocated. Spark's and the job's: Jackson 2.15, Kafka 3.4.
        Object ours = Class.forName("io.streamops.shaded.com.fasterxml.jackson.databind.cfg.PackageVersion")
                .getField("VERSION").get(null);
        Object sparks = Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion").getField("VERSION").get(null);
        assertThat(minor(ours.toString())).as("our Jackson %s", ours).isGreaterThanOrEqualTo(16);
        assertThat(sparks.toString()).startsWith("2.15.");
        assertThat(Class.forName("io.streamops.shaded.org.apache.kafka.clients.producer.KafkaProducer")).isNotNull();
        assertThat(Class.forName("org.apache.kafka.clients.producer.KafkaProducer").getProtectionDomain().getCodeSource()
                .getLocation().toString()).contains("kafka-clients-3.4");

        SparkSession spark = TestSpark.start("shaded-jar", null, Map.of());
        try {
            // Spark's JSON reader goes through jackson-module-scala, the first thing a clash breaks.
            Dataset<String> lines = spark.createDataset(List.of("{\"product\":\"cough syrup\",\"quantity\":12}",
                    "{\"product\":\"tea\",\"quantity\":1}"), Encoders.STRING());
            List<Row> rows = spark.read().json(lines).where("quantity > 10").collectAsList();
            assertThat(rows).hasSize(1);

            StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "5").load()
                    .writeStream().format("noop").queryName("shaded-smoke").trigger(Trigger.ProcessingTime(100)).start();
            io.streamops.testkit.Await.until("three batches with the listener attached", java.time.Duration.ofSeconds(60),
                    () -> query.lastProgress() != null && query.lastProgress().batchId() >= 3);
            String scrape = Scrape.metrics();
            assertThat(Scrape.lines(scrape, "streamops_query_batch_id", "query=\"shaded-smoke\"")).isNotEmpty();
            query.stop();
            assertThat(query.exception().isEmpty()).isTrue();
        } finally {
            spark.stop();
        }
    }

    private static int minor(String version) {
        return Integer.parseInt(version.split("\\.")[1]);
    }
}
