package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Every file under deploy/ against the code it deploys: ports, health paths, property names, secrets, the jar's name,
 * the Java release and the replica count. Reads files only; nothing is started.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final int REPLICAS = 2;
    /** Read by Camel Main itself and by the logging setup, so not keys of application.properties. */
    private static final Set<String> NOT_PROPERTY_VARIABLES = Set.of("CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION", "LOG_FORMAT");
    /** Where Camel K's mount trait puts a ConfigMap listed in mount.configs (camel-k pkg/util/camel/camel_util.go). */
    private static final String CAMEL_K_CONFIGMAP_DIR = "/etc/camel/conf.d/_configmaps/";
    private static final String METRICS_PATH = "/observe/metrics";
    /**
     * The fields of the Camel K traits used here (camel-k 2.9/2.10, pkg/apis/camel/v1/trait): the operator drops a
     * misspelt field without a word.
     */
    private static final Map<String, Set<String>> CAMEL_K_TRAIT_FIELDS = Map.of(
            "container", Set.of("enabled", "auto", "requestCPU", "requestMemory", "limitCPU", "limitMemory", "ports",
                    "expose", "port", "portName", "servicePort", "servicePortName", "name", "image", "imagePullPolicy",
                    "runAsUser", "runAsNonRoot", "seccompProfileType", "allowPrivilegeEscalation", "capabilitiesDrop",
                    "capabilitiesAdd"),
            "service", Set.of("enabled", "auto", "nodePort", "type", "annotations", "labels", "ports"),
            "health", Set.of("enabled",
                    "livenessProbeEnabled", "livenessScheme", "livenessInitialDelay", "livenessTimeout", "livenessPeriod",
                    "livenessSuccessThreshold", "livenessFailureThreshold", "livenessProbe", "livenessPort",
                    "readinessProbeEnabled", "readinessScheme", "readinessInitialDelay", "readinessTimeout",
                    "readinessPeriod", "readinessSuccessThreshold", "readinessFailureThreshold", "readinessProbe",
                    "readinessPort",
                    "startupProbeEnabled", "startupScheme", "startupInitialDelay", "startupTimeout", "startupPeriod",
                    "startupSuccessThreshold", "startupFailureThreshold", "startupProbe", "startupPort"),
            "mount", Set.of("enabled", "configs", "resources", "volumes", "emptyDirs", "hotReload"),
            "environment", Set.of("enabled", "containerMeta", "httpProxy", "vars"));
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+):([^}]*)}}");
    private static final Pattern SECRET_REF = Pattern.compile("secret:([a-z0-9-]+)/(.+)");

    private static Properties properties;
    private static Document pom;
    private static List<Manifest> manifests;
    private static Dockerfile dockerfile;

    private record Manifest(Map<String, Object> content) {
        String kind() {
            return (String) content.get("kind");
        }

        String name() {
            return string(content, "metadata", "name");
        }
    }

    /** What a manifest puts in the container's environment: plain values, and Secret references as "secret/key". */
    private record Environment(Map<String, String> values, Map<String, String> secrets) {
        Set<String> names() {
            Set<String> names = new TreeSet<>(values.keySet());
            names.addAll(secrets.keySet());
            return names;
        }
    }

    private record Instruction(String keyword, String arguments) {
    }

    private record Dockerfile(List<List<Instruction>> stages) {
        List<Instruction> stage(String name) {
            return stages.stream()
                    .filter(stage -> stage.get(0).arguments().toLowerCase(Locale.ROOT).endsWith(" as " + name))
                    .findFirst().orElseThrow(() -> new AssertionError("no stage " + name + " in the Dockerfile"));
        }

        List<Instruction> last() {
            return stages.get(stages.size() - 1);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(reader);
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());

        manifests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("Dockerfile")) {
                dockerfile = parseDockerfile(Files.readAllLines(file));
            } else if (name.equals("jvm.options") || name.endsWith(".sh")) {
                continue; // inputs of the image: see the_image_runs_the_jvm_options_and_class_archive_the_benchmark_measures
            } else if (!name.endsWith(".md")) {
                for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
                    Map<String, Object> content = map(document, file.toString());
                    Manifest manifest = new Manifest(content);
                    assertTrue(Set.of("Integration", "Deployment", "Service", "ConfigMap", "Secret").contains(manifest.kind()),
                            file + ": kind " + manifest.kind() + " is not checked here; add its checks to this test");
                    manifests.add(manifest);
                }
            }
        }
        assertNotNull(dockerfile, "deploy/Dockerfile");
    }

    @Test
    void each_kind_of_manifest_is_there_once() {
        Map<String, Long> kinds = manifests.stream().collect(Collectors.groupingBy(Manifest::kind, Collectors.counting()));
        assertEquals(Map.of("Integration", 1L, "Deployment", 1L, "Service", 1L, "ConfigMap", 1L, "Secret", 1L), kinds);
    }

    @Test
    void dockerfile_runs_the_jar_that_maven_packages() {
        String jar = packagedJarName();
        String[] words = copyFromBuildStage().arguments().split("\\s+");
        assertTrue(words[1].endsWith("/target/" + jar), "copies " + words[1] + ", Maven packages target/" + jar);
        String installed = words[2];
        assertEquals(jar, Path.of(installed).getFileName().toString());

        List<String> entrypoint = entrypoint();
        int jarOption = entrypoint.indexOf("-jar");
        assertTrue(jarOption > 0 && entrypoint.get(0).equals("java"), "java ... -jar: " + entrypoint);
        assertEquals(installed, entrypoint.get(jarOption + 1));

        assertTrue(buildStage().stream()
                        .anyMatch(i -> i.keyword().equals("RUN") && i.arguments().matches("mvn .*\\bpackage\\b.*")),
                "the build stage runs mvn ... package");
    }

    @Test
    void the_image_runs_the_jvm_options_and_class_archive_the_benchmark_measures() throws Exception {
        Instruction copy = last().stream()
                .filter(i -> i.keyword().equals("COPY") && i.arguments().contains("deploy/jvm.options"))
                .findFirst().orElseThrow(() -> new AssertionError("the final stage does not copy deploy/jvm.options"));
        List<String> words = Arrays.asList(copy.arguments().split("\\s+"));
        assertTrue(words.contains("deploy/cds-archive.sh"), "copies deploy/cds-archive.sh: " + words);
        String folder = words.get(words.size() - 1);
        assertTrue(folder.endsWith("/"), "copies into a folder: " + folder);

        List<String> entrypoint = entrypoint();
        int jarOption = entrypoint.indexOf("-jar");
        List<String> jvmFlags = entrypoint.subList(1, jarOption);
        assertTrue(jvmFlags.contains("@" + folder + "jvm.options"), "java @" + folder + "jvm.options: " + entrypoint);
        String archive = jvmFlags.stream().filter(flag -> flag.startsWith("-XX:SharedArchiveFile="))
                .map(flag -> flag.substring("-XX:SharedArchiveFile=".length())).findFirst()
                .orElseThrow(() -> new AssertionError("no -XX:SharedArchiveFile in " + entrypoint));
        String training = "bash " + folder + "cds-archive.sh " + entrypoint.get(jarOption + 1) + " " + archive + " "
                + folder + "jvm.options";
        assertTrue(last().stream().anyMatch(i -> i.keyword().equals("RUN") && i.arguments().equals(training)),
                "the image build makes the archive the ENTRYPOINT maps: RUN " + training);

        String bench = Files.readString(Path.of("bench/setup-bench.sh"));
        assertTrue(bench.contains("bash deploy/cds-archive.sh") && bench.contains("\"@$PWD/deploy/jvm.options\""),
                "bench/setup-bench.sh runs the bundle with deploy/jvm.options and a CDS archive built in the run");
        // C1 only starts faster but costs request throughput (the issue rules it out).
        assertFalse(Files.readString(DEPLOY.resolve("jvm.options")).contains("TieredStopAtLevel"));
    }

    @Test
    void dockerfile_build_stage_copies_every_input_the_pom_reads() throws Exception {
        Set<String> copied = buildStage().stream().filter(i -> i.keyword().equals("COPY"))
                .flatMap(i -> {
                    List<String> words = Arrays.asList(i.arguments().split("\\s+"));
                    return words.subList(0, words.size() - 1).stream();
                })
                .map(source -> source.replaceAll("/+$", ""))
                .collect(Collectors.toSet());

        List<String> inputs = new ArrayList<>(List.of("pom.xml", "src/main/java"));
        NodeList resources = (NodeList) xpath().evaluate("/project/build/resources/resource", pom, XPathConstants.NODESET);
        for (int r = 0; r < resources.getLength(); r++) {
            String directory = xpath().evaluate("directory", resources.item(r)).replace("${project.basedir}", ".");
            NodeList includes = (NodeList) xpath().evaluate("includes/include", resources.item(r), XPathConstants.NODESET);
            if (includes.getLength() == 0) {
                inputs.add(directory);
            }
            for (int i = 0; i < includes.getLength(); i++) {
                inputs.add(Path.of(directory, includes.item(i).getTextContent()).normalize().toString());
            }
        }
        assertTrue(inputs.size() > 3, "the pom's resources were read: " + inputs);
        for (String input : inputs) {
            assertTrue(copied.stream().anyMatch(source -> input.equals(source) || input.startsWith(source + "/")),
                    "the pom reads " + input + " but the build stage does not copy it (copies " + copied + ")");
        }
    }

    @Test
    void dockerfile_images_run_the_java_release_of_the_pom() throws Exception {
        String release = xpath().evaluate("/project/properties/maven.compiler.release", pom);
        assertFalse(release.isBlank());
        for (List<Instruction> stage : dockerfile.stages()) {
            String image = stage.get(0).arguments().split("\\s+")[0];
            assertTrue(image.matches(".*[:-]" + release + "(\\b|-).*"), image + " is not Java " + release);
        }
    }

    @Test
    void dockerfile_exposes_both_ports_and_runs_as_a_numeric_non_root_user() {
        Set<String> exposed = last().stream().filter(i -> i.keyword().equals("EXPOSE"))
                .flatMap(i -> Arrays.stream(i.arguments().split("\\s+"))).collect(Collectors.toSet());
        assertEquals(Set.of(String.valueOf(httpPort(Map.of())), String.valueOf(managementPort(Map.of()))), exposed);

        List<Instruction> users = last().stream().filter(i -> i.keyword().equals("USER")).toList();
        assertFalse(users.isEmpty(), "the final stage sets a USER");
        String user = users.get(users.size() - 1).arguments().split(":")[0];
        // Kubernetes can enforce runAsNonRoot only for a numeric user.
        assertTrue(user.matches("[0-9]+") && !user.equals("0"), "USER " + user);
    }

    @Test
    void deployment_and_integration_run_two_replicas() {
        assertEquals(REPLICAS, at(one("Deployment"), "spec", "replicas"));
        assertEquals(REPLICAS, at(one("Integration"), "spec", "replicas"));
    }

    @Test
    void two_replicas_share_one_postgresql_database() {
        for (Environment environment : List.of(deploymentEnvironment(), integrationEnvironment())) {
            String url = environment.values().get("DB_URL");
            assertNotNull(url, "DB_URL");
            assertTrue(url.startsWith("jdbc:postgresql://"), "replicas share the outbox, not an embedded H2: " + url);
        }
    }

    @Test
    void deployment_and_service_use_the_ports_the_bundle_listens_on() {
        Map<String, String> values = deploymentEnvironment().values();
        int http = httpPort(values);
        int management = managementPort(values);
        Map<String, Object> container = container();
        Map<String, Integer> ports = list(container.get("ports")).stream().map(p -> map(p, "port"))
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("containerPort")));
        assertEquals(Map.of("http", http, "management", management), ports);

        Map<String, Object> service = one("Service").content();
        Map<String, Integer> servicePorts = new LinkedHashMap<>();
        for (Object port : list(at(service, "spec", "ports"))) {
            Map<String, Object> p = map(port, "service port");
            Object target = p.get("targetPort");
            Integer containerPort = target instanceof Integer number ? number : ports.get((String) target);
            assertNotNull(containerPort, "targetPort " + target + " is a port of the container");
            assertEquals(containerPort, p.get("port"), p.get("name") + ": the Service answers on the container's own port");
            servicePorts.put((String) p.get("name"), containerPort);
        }
        assertEquals(Map.of("http", http, "management", management), servicePorts);
        assertEquals(at(one("Deployment"), "spec", "template", "metadata", "labels"), at(service, "spec", "selector"),
                "the Service selects the Deployment's pods");

        Map<String, Object> annotations = map(at(one("Deployment"), "spec", "template", "metadata", "annotations"), "annotations");
        assertEquals(String.valueOf(management), annotations.get("prometheus.io/port"));
        assertEquals(METRICS_PATH, annotations.get("prometheus.io/path"));
    }

    @Test
    void integration_uses_the_ports_the_bundle_listens_on() {
        Map<String, String> values = integrationEnvironment().values();
        int http = httpPort(values);
        int management = managementPort(values);
        Map<String, Object> container = trait("container");
        // Camel K's container trait defaults the http port to 8080.
        assertEquals(http, container.getOrDefault("port", 8080));
        assertEquals(http, container.get("servicePort"), "the same Service port as deploy/kubernetes");
        assertEquals(Boolean.TRUE, container.get("expose"));
        assertEquals(List.of("management;" + management), container.get("ports"));
        assertEquals(List.of("management;" + management + ";" + management), trait("service").get("ports"));
        assertEquals(string(one("Deployment").content(), "spec", "template", "spec", "containers", "0", "image"),
                container.get("image"), "both ways run the same image");
    }

    @Test
    void probes_call_the_health_paths_on_the_management_port() {
        int management = managementPort(deploymentEnvironment().values());
        Map<String, Object> container = container();
        Map<String, Integer> namedPorts = list(container.get("ports")).stream().map(p -> map(p, "port"))
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("containerPort")));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(at(container, probe, "httpGet"), probe);
            Object port = get.get("port");
            assertEquals(Integer.valueOf(management), port instanceof Integer number ? number : namedPorts.get((String) port),
                    probe + " port");
            assertEquals(healthPath() + (probe.startsWith("liveness") ? "/live" : "/ready"), get.get("path"), probe);
        }

        Map<String, Object> health = trait("health");
        int integrationManagement = managementPort(integrationEnvironment().values());
        // Camel K leaves health off for a self-managed build, and liveness off everywhere, unless asked.
        assertEquals(Boolean.TRUE, health.get("enabled"));
        assertEquals(Boolean.TRUE, health.get("livenessProbeEnabled"));
        assertEquals(Boolean.TRUE, health.getOrDefault("readinessProbeEnabled", true));
        assertEquals(integrationManagement, health.get("livenessPort"));
        assertEquals(integrationManagement, health.get("readinessPort"));
        assertEquals(healthPath() + "/live", health.get("livenessProbe"));
        assertEquals(healthPath() + "/ready", health.get("readinessProbe"));
    }

    @Test
    void every_variable_set_is_a_key_of_application_properties() {
        Map<String, String> keysByVariable = keysByVariable();
        for (Environment environment : List.of(deploymentEnvironment(), integrationEnvironment())) {
            assertFalse(environment.names().isEmpty());
            for (String name : environment.names()) {
                assertTrue(keysByVariable.containsKey(name) || NOT_PROPERTY_VARIABLES.contains(name),
                        name + " overrides no key of application.properties");
            }
        }
    }

    @Test
    void secrets_come_only_from_the_secret() {
        Manifest secret = one("Secret");
        Map<String, Object> template = map(at(secret.content(), "stringData"), "stringData");
        assertFalse(template.isEmpty());
        Map<String, String> keysByVariable = keysByVariable();
        for (Map.Entry<String, Object> entry : template.entrySet()) {
            assertEquals("", entry.getValue(), "the Secret is a template: " + entry.getKey() + " stays empty");
            String key = keysByVariable.get(entry.getKey());
            assertNotNull(key, entry.getKey() + " overrides no key of application.properties");
            assertEquals("", properties.getProperty(key), key + " is in the Secret but has a default, so is not a secret");
        }
        for (Environment environment : List.of(deploymentEnvironment(), integrationEnvironment())) {
            Set<String> expected = template.keySet().stream()
                    .map(name -> secret.name() + "/" + name).collect(Collectors.toSet());
            assertEquals(expected, Set.copyOf(environment.secrets().values()), "every key of the Secret, by its name");
            for (String name : environment.values().keySet()) {
                assertFalse(template.containsKey(name) || name.endsWith("_SECRET") || name.endsWith("_PASSWORD"),
                        name + " is set in plain text");
            }
        }
    }

    @Test
    void integration_reads_application_properties_from_the_mounted_configmap() {
        List<Object> configs = list(trait("mount").get("configs"));
        assertEquals(1, configs.size());
        String configMap = ((String) configs.get(0)).substring("configmap:".length());
        assertEquals("file:" + CAMEL_K_CONFIGMAP_DIR + configMap + "/application.properties",
                integrationEnvironment().values().get("CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION"));
    }

    @Test
    void integration_traits_use_only_fields_camel_k_knows() {
        Map<String, Object> traits = map(at(one("Integration"), "spec", "traits"), "traits");
        for (Map.Entry<String, Object> trait : traits.entrySet()) {
            Set<String> known = CAMEL_K_TRAIT_FIELDS.get(trait.getKey());
            assertNotNull(known, "trait " + trait.getKey() + " is not checked here; add its fields");
            for (String field : map(trait.getValue(), trait.getKey()).keySet()) {
                assertTrue(known.contains(field), trait.getKey() + "." + field + " is not a field of that trait");
            }
        }
    }

    // --- the bundle's side ----------------------------------------------------------------------------------------

    private static String packagedJarName() {
        try {
            String artifactId = xpath().evaluate("/project/artifactId", pom);
            String assembly = "/project/build/plugins/plugin[artifactId='maven-assembly-plugin']/configuration/";
            assertEquals("false", xpath().evaluate(assembly + "appendAssemblyId", pom), "the jar name has no suffix");
            String finalName = xpath().evaluate(assembly + "finalName", pom).replace("${project.artifactId}", artifactId);
            assertFalse(finalName.isBlank() || finalName.contains("${"), "finalName " + finalName);
            return finalName + ".jar";
        } catch (Exception e) {
            throw new AssertionError("pom.xml", e);
        }
    }

    private static int httpPort(Map<String, String> environment) {
        return port("camel.server.port", environment);
    }

    private static int managementPort(Map<String, String> environment) {
        return port("camel.management.port", environment);
    }

    /** The port a manifest's environment makes the bundle listen on: {{env:NAME:default}} or a plain number. */
    private static int port(String key, Map<String, String> environment) {
        String value = properties.getProperty(key);
        assertNotNull(value, key);
        Matcher placeholder = ENV_PLACEHOLDER.matcher(value.trim());
        if (placeholder.matches()) {
            return Integer.parseInt(environment.getOrDefault(placeholder.group(1), placeholder.group(2)));
        }
        return Integer.parseInt(environment.getOrDefault(variableOf(key), value.trim()));
    }

    /** camel.management.healthPath if set, else Camel Main's own default from its configuration metadata. */
    private static String healthPath() {
        String set = properties.getProperty("camel.management.healthPath");
        if (set != null) {
            return set.trim();
        }
        try (InputStream metadata = DeployManifestsTest.class.getClassLoader()
                .getResourceAsStream("META-INF/camel-main-configuration-metadata.json")) {
            assertNotNull(metadata, "camel-main's configuration metadata");
            for (JsonNode option : new ObjectMapper().readTree(metadata).get("properties")) {
                if (option.get("name").asText().equals("camel.management.healthPath")) {
                    return option.get("defaultValue").asText();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("camel.management.healthPath has no default in camel-main's metadata");
    }

    /** application.properties keys by the environment variable that overrides them. */
    private static Map<String, String> keysByVariable() {
        return properties.stringPropertyNames().stream()
                .collect(Collectors.toMap(DeployManifestsTest::variableOf, key -> key, (first, second) -> first));
    }

    private static String variableOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    // --- the manifests' side --------------------------------------------------------------------------------------

    private static Environment deploymentEnvironment() {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        Map<String, Object> container = container();
        for (Object from : list(container.getOrDefault("envFrom", List.of()))) {
            Map<String, Object> source = map(from, "envFrom");
            if (source.containsKey("configMapRef")) {
                Manifest configMap = named("ConfigMap", string(source, "configMapRef", "name"));
                map(at(configMap.content(), "data"), "data").forEach((name, value) -> values.put(name, (String) value));
            } else {
                Manifest secret = named("Secret", string(source, "secretRef", "name"));
                map(at(secret.content(), "stringData"), "stringData").keySet()
                        .forEach(name -> secrets.put(name, secret.name() + "/" + name));
            }
        }
        for (Object variable : list(container.getOrDefault("env", List.of()))) {
            Map<String, Object> env = map(variable, "env");
            String name = (String) env.get("name");
            if (env.containsKey("valueFrom")) {
                String secret = string(env, "valueFrom", "secretKeyRef", "name");
                named("Secret", secret);
                secrets.put(name, secret + "/" + string(env, "valueFrom", "secretKeyRef", "key"));
            } else {
                values.put(name, String.valueOf(env.get("value")));
            }
        }
        return new Environment(values, secrets);
    }

    private static Environment integrationEnvironment() {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Object variable : list(trait("environment").get("vars"))) {
            String[] pair = ((String) variable).split("=", 2);
            Matcher secret = SECRET_REF.matcher(pair[1]);
            if (secret.matches()) {
                Manifest template = named("Secret", secret.group(1));
                assertTrue(map(at(template.content(), "stringData"), "stringData").containsKey(secret.group(2)),
                        "the Secret has no key " + secret.group(2));
                secrets.put(pair[0], secret.group(1) + "/" + secret.group(2));
            } else {
                values.put(pair[0], pair[1]);
            }
        }
        return new Environment(values, secrets);
    }

    private static Map<String, Object> container() {
        List<Object> containers = list(at(one("Deployment"), "spec", "template", "spec", "containers"));
        assertEquals(1, containers.size());
        return map(containers.get(0), "container");
    }

    private static Map<String, Object> trait(String name) {
        return map(at(one("Integration"), "spec", "traits", name), "trait " + name);
    }

    private static Manifest one(String kind) {
        List<Manifest> found = manifests.stream().filter(m -> m.kind().equals(kind)).toList();
        assertEquals(1, found.size(), kind + " manifests under deploy/");
        return found.get(0);
    }

    private static Manifest named(String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && name.equals(m.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " under deploy/"));
    }

    private static List<Instruction> last() {
        return dockerfile.last();
    }

    private static Instruction copyFromBuildStage() {
        return last().stream().filter(i -> i.keyword().equals("COPY") && i.arguments().startsWith("--from="))
                .findFirst().orElseThrow(() -> new AssertionError("the final stage copies nothing from a build stage"));
    }

    private static List<Instruction> buildStage() {
        return dockerfile.stage(copyFromBuildStage().arguments().split("\\s+")[0].substring("--from=".length()));
    }

    private static List<String> entrypoint() {
        List<Instruction> entrypoints = last().stream().filter(i -> i.keyword().equals("ENTRYPOINT")).toList();
        assertEquals(1, entrypoints.size(), "one ENTRYPOINT");
        try {
            return Arrays.asList(new ObjectMapper().readValue(entrypoints.get(0).arguments(), String[].class));
        } catch (IOException e) {
            throw new AssertionError("ENTRYPOINT in exec form: " + entrypoints.get(0).arguments(), e);
        }
    }

    private static Dockerfile parseDockerfile(List<String> lines) {
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            String[] parts = logical.toString().trim().split("\\s+", 2);
            logical.setLength(0);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].trim() : "");
            if (instruction.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            } else if (stages.isEmpty()) {
                fail("Dockerfile: " + instruction.keyword() + " before FROM");
            }
            stages.get(stages.size() - 1).add(instruction);
        }
        assertFalse(stages.isEmpty(), "Dockerfile has no FROM");
        return new Dockerfile(stages);
    }

    private static XPath xpath() {
        return XPathFactory.newInstance().newXPath();
    }

    private static Object at(Manifest manifest, String... path) {
        return at(manifest.content(), path);
    }

    /** Follows map keys, and list indexes given as numbers. */
    private static Object at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            if (current instanceof List<?> items && step.matches("[0-9]+")) {
                current = items.get(Integer.parseInt(step));
            } else if (current instanceof Map<?, ?> fields) {
                current = fields.get(step);
            } else {
                current = null;
            }
            if (current == null) {
                throw new AssertionError("missing " + String.join(".", path));
            }
        }
        return current;
    }

    private static String string(Object node, String... path) {
        return (String) at(node, path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertTrue(node instanceof Map, what + " is a mapping");
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertTrue(node instanceof List, node + " is a list");
        return (List<Object>) node;
    }
}
