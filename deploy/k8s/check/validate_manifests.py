#!/usr/bin/python3
"""Checks rendered Kubernetes manifests offline, field by field.

    validate_manifests.py FILE...            YAML files (several documents each; - for stdin)
    validate_manifests.py --kustomize DIR... renders each with `kubectl kustomize DIR` first

Every object is walked against a schema: the Kubernetes 1.22 models of Debian's
python3-kubernetes (each class names its JSON keys in attribute_map and their types in
openapi_types), plus the small schemas in schemas/ for what those models lack: custom
resources (CloudNativePG, the RabbitMQ Cluster Operator) and fields added to Kubernetes
after 1.22 (the gRPC probe).  An unknown field, a value of the wrong type, a missing
required field or an unknown kind is an error, printed with the object and the path to
it (`Deployment/core: spec.replcas: unknown field`).

Then the objects are checked against each other: a Service, PodDisruptionBudget or
NetworkPolicy selector that matches no pod template, an Ingress backend naming a missing
Service or port, an autoscaler aiming at a missing workload, a probe naming a port the
container lacks, a ConfigMap or Secret reference to an object that is neither rendered
nor made outside: by an operator for a custom resource rendered here (CloudNativePG's
<cluster>-app, the RabbitMQ operator's <cluster>-default-user) or by hand (--external NAME).

Exit status: 0 when everything passes, 1 when anything failed, 2 when the input could
not be read or rendered, 77 when kubectl is needed and missing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import kubernetes.client as models
import yaml

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")

# The built-in kinds the manifests may use, and the model each is checked against.
# autoscaling/v2 (Kubernetes 1.23) has exactly the fields of autoscaling/v2beta2, whose
# models the 1.22 client has.
BUILTIN_KINDS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Secret"): "V1Secret",
    ("v1", "Service"): "V1Service",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("batch/v1", "Job"): "V1Job",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("networking.k8s.io/v1", "Ingress"): "V1Ingress",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2beta2HorizontalPodAutoscaler",
}

LIST_TYPE = re.compile(r"^list\[(.+)\]$")
DICT_TYPE = re.compile(r"^dict\(str, ?(.+)\)$")
PARTIAL_TYPE = re.compile(r"^partial\((.+)\)$")
ENUM_TYPE = re.compile(r"^enum\((.+)\)$")


class Schema:
    """Types by name: the Kubernetes models, then the repository's own schemas.

    A type is a scalar (str, int, float, bool, object, datetime), list[T], dict(str, T),
    enum(a|b|c), partial(T) (T's fields without its required ones, as an operator's
    override takes them), or the name of a model or of a type in schemas/*.yaml.
    """

    def __init__(self, schema_dir):
        self.types = {}  # name -> (fields {json key: type}, required json keys)
        self.kinds = {key: name for key, name in BUILTIN_KINDS.items()}
        self.additions = {}  # model name -> {json key: type}
        for file_name in sorted(os.listdir(schema_dir)):
            if not file_name.endswith(".yaml"):
                continue
            with open(os.path.join(schema_dir, file_name), encoding="utf-8") as f:
                document = yaml.safe_load(f)
            for name, body in (document.get("types") or {}).items():
                self.types[name] = (dict(body.get("fields") or {}), set(body.get("required") or []))
            for entry in document.get("kinds") or []:
                self.kinds[(entry["apiVersion"], entry["kind"])] = entry["type"]
            for model, fields in (document.get("additions") or {}).items():
                self.additions.setdefault(model, {}).update(fields)
        self._model_cache = {}

    def fields(self, name):
        """The (fields, required) of a named type, or None when there is no such type."""
        if name in self.types:
            return self.types[name]
        if name in self._model_cache:
            return self._model_cache[name]
        model = getattr(models, name, None)
        if model is None or not hasattr(model, "openapi_types"):
            return None
        fields = {model.attribute_map[attr]: kind for attr, kind in model.openapi_types.items()}
        fields.update(self.additions.get(name, {}))
        required = {model.attribute_map[attr] for attr in required_attributes(model)}
        self._model_cache[name] = (fields, required)
        return self._model_cache[name]


def required_attributes(model):
    """The attributes whose setter refuses None: the model's required fields."""
    instance = model.__new__(model)
    configuration = models.Configuration()
    configuration.client_side_validation = True
    instance.local_vars_configuration = configuration
    required = []
    for attr in model.openapi_types:
        try:
            setattr(instance, attr, None)
        except ValueError:
            required.append(attr)
    return required


def describe(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return type(value).__name__


def join_path(path, key):
    return f"{path}.{key}" if path else str(key)


class Walker:
    def __init__(self, schema):
        self.schema = schema
        self.errors = []

    def check(self, value, type_name, path, partial=False):
        if value is None:
            # An explicit null is how YAML says "unset"; kubectl drops it.
            return
        if type_name == "object":
            return
        if type_name == "str":
            if not isinstance(value, str):
                self.errors.append(f"{path}: expected a string, got {describe(value)} ({value!r})")
            return
        if type_name == "datetime":
            if not isinstance(value, str):
                self.errors.append(f"{path}: expected a date-time string, got {describe(value)}")
            return
        if type_name == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.errors.append(f"{path}: expected an integer, got {describe(value)} ({value!r})")
            return
        if type_name == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.errors.append(f"{path}: expected a number, got {describe(value)} ({value!r})")
            return
        if type_name == "bool":
            if not isinstance(value, bool):
                self.errors.append(f"{path}: expected true or false, got {describe(value)} ({value!r})")
            return
        if match := ENUM_TYPE.match(type_name):
            allowed = match.group(1).split("|")
            if value not in allowed:
                self.errors.append(f"{path}: expected one of {', '.join(allowed)}, got {value!r}")
            return
        if match := LIST_TYPE.match(type_name):
            if not isinstance(value, list):
                self.errors.append(f"{path}: expected a list, got {describe(value)}")
                return
            for index, item in enumerate(value):
                self.check(item, match.group(1), f"{path}[{index}]", partial)
            return
        if match := DICT_TYPE.match(type_name):
            if not isinstance(value, dict):
                self.errors.append(f"{path}: expected a mapping, got {describe(value)}")
                return
            for key, item in value.items():
                if not isinstance(key, str):
                    self.errors.append(f"{path}: key {key!r} is not a string")
                self.check(item, match.group(1), join_path(path, key), partial)
            return
        if match := PARTIAL_TYPE.match(type_name):
            self.check(value, match.group(1), path, partial=True)
            return
        described = self.schema.fields(type_name)
        if described is None:
            self.errors.append(f"{path}: the schema has no type {type_name}")
            return
        fields, required = described
        if not isinstance(value, dict):
            self.errors.append(f"{path}: expected a mapping ({type_name}), got {describe(value)} ({value!r})")
            return
        for key, item in value.items():
            if key not in fields:
                self.errors.append(f"{join_path(path, key)}: unknown field (not in {type_name})")
                continue
            self.check(item, fields[key], join_path(path, key), partial)
        if not partial:
            for key in sorted(required - set(value)):
                self.errors.append(f"{join_path(path, key)}: required field missing ({type_name})")


def object_name(document):
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    return f"{document.get('kind', '?')}/{metadata.get('name', '?')}"


def check_schema(schema, documents):
    errors = []
    for document in documents:
        if not isinstance(document, dict):
            errors.append(f"a document is {describe(document)}, not a Kubernetes object")
            continue
        key = (document.get("apiVersion"), document.get("kind"))
        type_name = schema.kinds.get(key)
        if type_name is None:
            errors.append(f"{object_name(document)}: unknown kind {key[1]!r} of apiVersion {key[0]!r}")
            continue
        walker = Walker(schema)
        walker.check(document, type_name, "")
        errors.extend(f"{object_name(document)}: {error}" for error in walker.errors)
    return errors


def pod_templates(documents):
    """(object, pod template) for every workload."""
    for document in documents:
        if document.get("kind") in ("Deployment", "StatefulSet", "Job"):
            yield document, (document.get("spec") or {}).get("template") or {}


def matches(selector, labels):
    """Whether a LabelSelector (matchLabels and matchExpressions) matches a pod's labels."""
    if not selector:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def check_references(documents, external):
    errors = []
    by_kind = {}
    for document in documents:
        name = (document.get("metadata") or {}).get("name")
        by_kind.setdefault(document.get("kind"), {})[name] = document
    pod_labels = [((template.get("metadata") or {}).get("labels") or {}) for _, template in pod_templates(documents)]
    operator_pods = {"Cluster": "cnpg.io/cluster", "RabbitmqCluster": "app.kubernetes.io/name"}
    for kind, label in operator_pods.items():
        for name in by_kind.get(kind, {}):
            pod_labels.append({label: name})

    for name, service in by_kind.get("Service", {}).items():
        selector = (service.get("spec") or {}).get("selector")
        if selector and not any(matches({"matchLabels": selector}, labels) for labels in pod_labels):
            errors.append(f"Service/{name}: selector {selector} matches no pod template")
    for name, budget in by_kind.get("PodDisruptionBudget", {}).items():
        selector = (budget.get("spec") or {}).get("selector")
        if not any(matches(selector, labels) for labels in pod_labels):
            errors.append(f"PodDisruptionBudget/{name}: selector matches no pod template")
    for name, policy in by_kind.get("NetworkPolicy", {}).items():
        selector = (policy.get("spec") or {}).get("podSelector")
        if selector and (selector.get("matchLabels") or selector.get("matchExpressions")):
            if not any(matches(selector, labels) for labels in pod_labels):
                errors.append(f"NetworkPolicy/{name}: podSelector matches no pod template")
    for name, autoscaler in by_kind.get("HorizontalPodAutoscaler", {}).items():
        target = (autoscaler.get("spec") or {}).get("scaleTargetRef") or {}
        if target.get("name") not in by_kind.get(target.get("kind"), {}):
            errors.append(f"HorizontalPodAutoscaler/{name}: scaleTargetRef {target.get('kind')}/{target.get('name')} "
                          "is not among the objects")

    for name, ingress in by_kind.get("Ingress", {}).items():
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            for path in ((rule.get("http") or {}).get("paths")) or []:
                backend = ((path.get("backend") or {}).get("service")) or {}
                service = by_kind.get("Service", {}).get(backend.get("name"))
                if service is None:
                    errors.append(f"Ingress/{name}: backend Service {backend.get('name')} is not among the objects")
                    continue
                port = backend.get("port") or {}
                ports = (service.get("spec") or {}).get("ports") or []
                if "name" in port and port["name"] not in [p.get("name") for p in ports]:
                    errors.append(f"Ingress/{name}: Service/{backend.get('name')} has no port named {port['name']}")
                if "number" in port and port["number"] not in [p.get("port") for p in ports]:
                    errors.append(f"Ingress/{name}: Service/{backend.get('name')} has no port {port['number']}")

    # The Secrets the operators write for the custom resources rendered here.
    external = set(external)
    external.update(f"{name}-app" for name in by_kind.get("Cluster", {}))
    external.update(f"{name}-default-user" for name in by_kind.get("RabbitmqCluster", {}))

    def known(kind, ref_name):
        return ref_name in by_kind.get(kind, {}) or ref_name in external

    for workload, template in pod_templates(documents):
        spec = template.get("spec") or {}
        for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
            where = f"{object_name(workload)}: container {container.get('name')}"
            port_names = {p.get("name") for p in container.get("ports") or []}
            port_numbers = {p.get("containerPort") for p in container.get("ports") or []}
            for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = container.get(probe_name) or {}
                for action in ("httpGet", "tcpSocket", "grpc"):
                    port = (probe.get(action) or {}).get("port")
                    if port is None:
                        continue
                    if (isinstance(port, str) and port not in port_names) or (
                            isinstance(port, int) and port not in port_numbers):
                        errors.append(f"{where}: {probe_name} names port {port!r}, which the container does not declare")
            for source in container.get("envFrom") or []:
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    ref = (source.get(key) or {}).get("name")
                    if ref is not None and not known(kind, ref):
                        errors.append(f"{where}: envFrom {kind} {ref} is neither rendered nor made outside")
            for variable in container.get("env") or []:
                value_from = variable.get("valueFrom") or {}
                for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    ref = value_from.get(key)
                    if ref is None:
                        continue
                    target = by_kind.get(kind, {}).get(ref.get("name"))
                    if target is None and ref.get("name") not in external:
                        errors.append(f"{where}: env {variable.get('name')} reads {kind} {ref.get('name')}, which is "
                                      "neither rendered nor made outside")
                    elif target is not None:
                        keys = set((target.get("data") or {})) | set((target.get("stringData") or {}))
                        if ref.get("key") not in keys:
                            errors.append(f"{where}: env {variable.get('name')} reads key {ref.get('key')} that "
                                          f"{kind}/{ref.get('name')} lacks")
        for volume in spec.get("volumes") or []:
            for kind, key, name_field in (("Secret", "secret", "secretName"), ("ConfigMap", "configMap", "name")):
                source = volume.get(key)
                if source is None or source.get("optional"):
                    continue
                ref = source.get(name_field)
                target = by_kind.get(kind, {}).get(ref)
                where = f"{object_name(workload)}: volume {volume.get('name')}"
                if target is None and ref not in external:
                    errors.append(f"{where} mounts {kind} {ref}, which is neither rendered nor made outside")
                elif target is not None:
                    keys = set()
                    for field in ("data", "stringData", "binaryData"):
                        keys |= set(target.get(field) or {})
                    for item in source.get("items") or []:
                        if item.get("key") not in keys:
                            errors.append(f"{where} mounts key {item.get('key')} that {kind}/{ref} lacks")
    return errors


def render(directory):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl not found: cannot render the kustomizations (kubectl kustomize DIR)", file=sys.stderr)
        sys.exit(77)
    result = subprocess.run([kubectl, "kustomize", directory], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(f"kubectl kustomize {directory} failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    return result.stdout


def load(text, source):
    try:
        return [document for document in yaml.safe_load_all(text) if document is not None]
    except yaml.YAMLError as error:
        print(f"{source}: not YAML: {error}", file=sys.stderr)
        sys.exit(2)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="YAML files, - for stdin; with --kustomize, kustomization folders")
    parser.add_argument("--kustomize", action="store_true", help="render each input with kubectl kustomize first")
    parser.add_argument("--external", action="append", default=[],
                        help="the name of a Secret or ConfigMap made outside these manifests (repeatable)")
    parser.add_argument("--schemas", default=SCHEMA_DIR, help="folder of the extra schemas")
    arguments = parser.parse_args(argv)

    schema = Schema(arguments.schemas)
    failed = False
    for source in arguments.inputs:
        if arguments.kustomize:
            text = render(source)
        elif source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as f:
                text = f.read()
        documents = load(text, source)
        errors = check_schema(schema, documents)
        if not errors:
            errors = check_references(documents, set(arguments.external))
        for error in errors:
            print(f"{source}: {error}")
        if errors:
            failed = True
        else:
            print(f"{source}: {len(documents)} objects pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
