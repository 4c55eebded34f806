package io.mysqlha.events;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.CredentialRefs;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.spec.ClusterSpecYaml;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster specs shipped for docker-compose and Kubernetes are valid, and every secret they name is provided
 * where each deployment reads secrets from: a file in infra/compose/secrets, an entry of the k8s secretGenerator.
 */
class DeploymentSpecsTest {
    private static final Path ROOT = Path.of(System.getProperty("build.project.root", "../.."));

    private static List<String> names(CredentialRefs c) {
        return List.of(c.monitor(), c.replication(), c.admin(), c.appUsers());
    }

    @Test
    void shouldShipAComposeSpecWhoseSecretsAreAllThere() throws IOException {
        ClusterSpec spec = ClusterSpecYaml.load(ROOT.resolve("infra/compose/cluster-compose.yaml"));
        assertTrue(spec.listeners().stream().map(ListenerSpec::bind).allMatch("0.0.0.0"::equals),
                "a container's listeners bind every interface: " + spec.listeners());
        for (String name : names(spec.credentials())) {
            Path file = ROOT.resolve("infra/compose/secrets").resolve(name);
            assertTrue(Files.isRegularFile(file), "compose mounts infra/compose/secrets; " + name + " is missing");
            String content = Files.readString(file);
            assertTrue(name.equals(spec.credentials().appUsers()) ? content.matches("(?s)[^:\\s]+:\\S+\\n?")
                    : content.matches("(?s)user=\\S+\\npassword=\\S+\\n?"), name + " is not in the secret's format");
        }
        assertTrue(Files.isRegularFile(ROOT.resolve("infra/compose/secrets/alert-webhook-url")));
    }

    @Test
    void shouldShipAKubernetesSpecWhoseSecretsTheKustomizationGenerates() throws IOException {
        ClusterSpec spec = ClusterSpecYaml.load(ROOT.resolve("infra/k8s/cluster.yaml"));
        assertEquals(3, spec.nodes().size());
        String kustomization = Files.readString(ROOT.resolve("infra/k8s/kustomization.yaml"));
        for (String name : names(spec.credentials())) {
            assertTrue(kustomization.contains("- secrets/" + name + "\n"), "the secretGenerator lacks " + name);
            assertTrue(Files.isRegularFile(ROOT.resolve("infra/k8s/secrets").resolve(name)), name);
        }
    }
}
