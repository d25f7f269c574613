#!/usr/bin/python3
"""Tests of validate_manifests.py: the manifests as written pass, and broken copies fail
with a message naming the object and the path to what is wrong.

The broken copies are the repository's own files with one thing changed, so each test
also shows that the schema the validator walks knows the field in its correct spelling.
They run the validator as `make test` does, as a program, on files in a temporary folder.
The overlays themselves are checked by the k8s_overlays_valid test (it needs kubectl to
render them); the tests here that render an overlay are skipped without kubectl.
"""

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.dirname(HERE)
VALIDATOR = os.path.join(HERE, "validate_manifests.py")

# What the base reads that an overlay provides (generated ConfigMaps, Secrets).
BASE_EXTERNAL = ["core-config", "realtime-config", "barbershop-token-signing-key", "barbershop-token-public-keys",
                 "barbershop-db-app", "barbershop-mq-default-user"]


def load_file(relative_path):
    with open(os.path.join(K8S, relative_path), encoding="utf-8") as f:
        return [document for document in yaml.safe_load_all(f) if document is not None]


def find(documents, kind, name):
    for document in documents:
        if document["kind"] == kind and document["metadata"]["name"] == name:
            return document
    raise KeyError(f"{kind}/{name}")


class ValidatorTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="k8s-validate-")

    def tearDown(self):
        shutil.rmtree(self.folder)

    def run_validator(self, documents, external=()):
        path = os.path.join(self.folder, "manifests.yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all(documents, f, sort_keys=False)
        arguments = [sys.executable, VALIDATOR, path]
        for name in external:
            arguments += ["--external", name]
        result = subprocess.run(arguments, capture_output=True, text=True, check=False)
        return result.returncode, result.stdout + result.stderr

    def assert_fails(self, documents, expected, external=BASE_EXTERNAL):
        code, output = self.run_validator(documents, external)
        self.assertEqual(code, 1, output)
        self.assertIn(expected, output)

    def assert_passes(self, documents, external=BASE_EXTERNAL):
        code, output = self.run_validator(documents, external)
        self.assertEqual(code, 0, output)
        self.assertIn("objects pass", output)

    # The files as written.

    def test_base_files_pass(self):
        documents = []
        for name in ("namespace.yaml", "core.yaml", "realtime.yaml", "ingress.yaml", "network-policies.yaml"):
            documents += load_file(os.path.join("base", name))
        self.assert_passes(documents)

    def test_operator_resources_pass(self):
        self.assert_passes(load_file("overlays/production/postgres-cluster.yaml") +
                          load_file("overlays/production/rabbitmq-cluster.yaml"))

    # Misspelt fields and wrong types in built-in kinds.

    def test_misspelt_spec_field(self):
        documents = load_file("base/core.yaml")
        deployment = find(documents, "Deployment", "core")
        deployment["spec"]["replcas"] = 2
        self.assert_fails(documents, "Deployment/core: spec.replcas: unknown field (not in V1DeploymentSpec)")

    def test_replicas_of_the_wrong_type(self):
        documents = load_file("base/core.yaml")
        find(documents, "Deployment", "core")["spec"]["replicas"] = "two"
        self.assert_fails(documents, "Deployment/core: spec.replicas: expected an integer, got a string ('two')")

    def test_misspelt_container_field(self):
        documents = load_file("base/realtime.yaml")
        container = find(documents, "Deployment", "realtime")["spec"]["template"]["spec"]["containers"][0]
        container["imagePullPolicyy"] = container.pop("imagePullPolicy")
        self.assert_fails(documents, "Deployment/realtime: spec.template.spec.containers[0].imagePullPolicyy: "
                                    "unknown field (not in V1Container)")

    def test_misspelt_security_context_field(self):
        documents = load_file("base/core.yaml")
        container = find(documents, "Deployment", "core")["spec"]["template"]["spec"]["containers"][0]
        container["securityContext"]["readOnlyRootFileSystem"] = True
        self.assert_fails(documents, "securityContext.readOnlyRootFileSystem: unknown field (not in V1SecurityContext)")

    def test_boolean_given_as_a_string(self):
        documents = load_file("base/core.yaml")
        spec = find(documents, "Deployment", "core")["spec"]["template"]["spec"]
        spec["securityContext"]["runAsNonRoot"] = "yes"
        self.assert_fails(documents, "spec.template.spec.securityContext.runAsNonRoot: expected true or false")

    def test_container_without_a_name(self):
        documents = load_file("base/core.yaml")
        del find(documents, "Deployment", "core")["spec"]["template"]["spec"]["containers"][0]["name"]
        self.assert_fails(documents, "spec.template.spec.containers[0].name: required field missing (V1Container)")

    def test_unknown_kind(self):
        documents = load_file("base/core.yaml")
        find(documents, "Deployment", "core")["kind"] = "Deploymnet"
        self.assert_fails(documents, "Deploymnet/core: unknown kind 'Deploymnet' of apiVersion 'apps/v1'")

    def test_misspelt_grpc_probe_field(self):
        documents = load_file("base/core.yaml")
        probe = find(documents, "Deployment", "core")["spec"]["template"]["spec"]["containers"][0]["startupProbe"]
        probe["grpc"]["prot"] = probe["grpc"].pop("port")
        self.assert_fails(documents, "startupProbe.grpc.prot: unknown field (not in GRPCAction)")

    def test_misspelt_autoscaler_v2_field(self):
        documents = load_file("base/realtime.yaml")
        metric = find(documents, "HorizontalPodAutoscaler", "realtime")["spec"]["metrics"][1]
        metric["pods"]["target"]["averageValu"] = metric["pods"]["target"].pop("averageValue")
        self.assert_fails(documents, "HorizontalPodAutoscaler/realtime: spec.metrics[1].pods.target.averageValu: "
                                    "unknown field")

    def test_misspelt_network_policy_field(self):
        documents = load_file("base/network-policies.yaml")
        policy = find(documents, "NetworkPolicy", "core")
        policy["spec"]["egres"] = policy["spec"].pop("egress")
        self.assert_fails(documents, "NetworkPolicy/core: spec.egres: unknown field (not in V1NetworkPolicySpec)")

    # Custom resources, against the schemas in schemas/.

    def test_cluster_instances_of_the_wrong_type(self):
        documents = load_file("overlays/production/postgres-cluster.yaml")
        find(documents, "Cluster", "barbershop-db")["spec"]["instances"] = "3"
        self.assert_fails(documents, "Cluster/barbershop-db: spec.instances: expected an integer, got a string")

    def test_cluster_misspelt_bootstrap_field(self):
        documents = load_file("overlays/production/postgres-cluster.yaml")
        initdb = find(documents, "Cluster", "barbershop-db")["spec"]["bootstrap"]["initdb"]
        initdb["postInitApplicationSql"] = initdb.pop("postInitApplicationSQL")
        self.assert_fails(documents, "spec.bootstrap.initdb.postInitApplicationSql: unknown field "
                                    "(not in CnpgBootstrapInitDB)")

    def test_cluster_value_outside_its_enum(self):
        documents = load_file("overlays/production/postgres-cluster.yaml")
        find(documents, "Cluster", "barbershop-db")["spec"]["affinity"]["podAntiAffinityType"] = "always"
        self.assert_fails(documents, "spec.affinity.podAntiAffinityType: expected one of preferred, required, "
                                    "got 'always'")

    def test_scheduled_backup_without_a_cluster(self):
        documents = load_file("overlays/production/postgres-cluster.yaml")
        del find(documents, "ScheduledBackup", "barbershop-db-nightly")["spec"]["cluster"]
        self.assert_fails(documents, "ScheduledBackup/barbershop-db-nightly: spec.cluster: required field missing")

    def test_rabbitmq_cluster_misspelt_field(self):
        documents = load_file("overlays/production/rabbitmq-cluster.yaml")
        spec = find(documents, "RabbitmqCluster", "barbershop-mq")["spec"]
        spec["persistance"] = spec.pop("persistence")
        self.assert_fails(documents, "RabbitmqCluster/barbershop-mq: spec.persistance: unknown field")

    def test_rabbitmq_override_is_checked_against_the_pod_template(self):
        documents = load_file("overlays/production/rabbitmq-cluster.yaml")
        override = find(documents, "RabbitmqCluster", "barbershop-mq")["spec"]["override"]
        override["statefulSet"]["spec"]["template"]["spec"]["securityContext"]["seccompProfil"] = {}
        self.assert_fails(documents, "securityContext.seccompProfil: unknown field (not in V1PodSecurityContext)")

    # References between objects.

    def test_service_selector_matching_no_pod(self):
        documents = load_file("base/core.yaml")
        find(documents, "Service", "core")["spec"]["selector"] = {"app.kubernetes.io/name": "kore"}
        self.assert_fails(documents, "Service/core: selector {'app.kubernetes.io/name': 'kore'} matches no pod template")

    def test_probe_naming_an_undeclared_port(self):
        documents = load_file("base/core.yaml")
        probe = find(documents, "Deployment", "core")["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
        probe["httpGet"]["port"] = "htp"
        self.assert_fails(documents, "readinessProbe names port 'htp', which the container does not declare")

    def test_ingress_naming_a_missing_port(self):
        documents = load_file("base/core.yaml") + load_file("base/realtime.yaml") + load_file("base/ingress.yaml")
        ingress = find(documents, "Ingress", "realtime-websocket")
        ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["name"] = "websocket"
        self.assert_fails(documents, "Ingress/realtime-websocket: Service/realtime has no port named websocket")

    def test_autoscaler_aiming_at_a_missing_deployment(self):
        documents = load_file("base/core.yaml")
        find(documents, "HorizontalPodAutoscaler", "core")["spec"]["scaleTargetRef"]["name"] = "cores"
        self.assert_fails(documents, "scaleTargetRef Deployment/cores is not among the objects")

    def test_secret_that_nobody_makes(self):
        documents = load_file("base/core.yaml")
        external = [name for name in BASE_EXTERNAL if name != "barbershop-token-signing-key"]
        self.assert_fails(documents, "env BARBERSHOP_TOKEN_SIGNING_KEY_ID reads Secret barbershop-token-signing-key, "
                                    "which is neither rendered nor made outside", external)
        self.assert_fails(documents, "volume token-signing-key mounts Secret barbershop-token-signing-key, which is "
                                    "neither rendered nor made outside", external)

    def test_config_map_volume_that_nobody_makes(self):
        documents = load_file("base/realtime.yaml")
        external = [name for name in BASE_EXTERNAL if name != "barbershop-token-public-keys"]
        self.assert_fails(documents, "Deployment/realtime: volume token-public-keys mounts ConfigMap "
                                    "barbershop-token-public-keys, which is neither rendered nor made outside", external)

    def test_volume_item_that_the_secret_lacks(self):
        documents = load_file("base/core.yaml") + [{
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "barbershop-token-signing-key"},
            "stringData": {"key-id": "k1", "private.pem": "..."}}]
        self.assert_fails(documents, "volume token-signing-key mounts key signing-key.pem that "
                                    "Secret/barbershop-token-signing-key lacks")

    # A rendered overlay, broken.

    @unittest.skipUnless(shutil.which("kubectl"), "kubectl renders the overlay")
    def test_rendered_overlay_broken_in_three_ways(self):
        rendered = subprocess.run(["kubectl", "kustomize", os.path.join(K8S, "overlays", "local")],
                                  capture_output=True, text=True, check=True).stdout
        documents = [document for document in yaml.safe_load_all(rendered) if document is not None]
        self.assert_passes(copy.deepcopy(documents), external=[])
        broken = copy.deepcopy(documents)
        find(broken, "StatefulSet", "redis")["spec"]["replicas"] = "one"
        find(broken, "Deployment", "core")["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
        find(broken, "Ingress", "core-grpc")["spec"]["rulez"] = []
        code, output = self.run_validator(broken)
        self.assertEqual(code, 1, output)
        self.assertIn("StatefulSet/redis: spec.replicas: expected an integer", output)
        self.assertIn("Deployment/core: spec.template.spec.containers[0].imagePullPolicyy: unknown field", output)
        self.assertIn("Ingress/core-grpc: spec.rulez: unknown field", output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
