/**
 * The Go structs templates see as `.Chart`, `.Capabilities` and their parts, with Helm's
 * capitalised field names. `toJSON` gives what Go's encoding/json prints for them (their json
 * tags, omitempty), so `toJson .Chart` matches Helm.
 */
import type { GoMap } from '../template/values.js';
import type { ChartDependency, ChartMaintainer, ChartMetadata } from './types.js';
import { parseVersion } from './semver.js';
import { HelmError } from './errors.js';

function omitEmpty(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === false || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0 && !(v instanceof GoStruct)) continue;
    out[k] = v;
  }
  return out;
}

/** Marker base class: a Go struct value. */
export class GoStruct {}

export class Maintainer extends GoStruct {
  Name: string;
  Email: string;
  URL: string;
  constructor(m: ChartMaintainer) {
    super();
    this.Name = m.name ?? '';
    this.Email = m.email ?? '';
    this.URL = m.url ?? '';
  }
  toJSON(): unknown {
    return omitEmpty({ name: this.Name, email: this.Email, url: this.URL });
  }
}

export class Dependency extends GoStruct {
  Name: string;
  Version: string;
  Repository: string;
  Condition: string;
  Tags: string[];
  Enabled: boolean;
  ImportValues: unknown[];
  Alias: string;
  constructor(d: ChartDependency) {
    super();
    this.Name = d.name;
    this.Version = d.version ?? '';
    this.Repository = d.repository ?? '';
    this.Condition = d.condition ?? '';
    this.Tags = d.tags ?? [];
    this.Enabled = d.enabled ?? false;
    this.ImportValues = d.importValues ?? [];
    this.Alias = d.alias ?? '';
  }
  toJSON(): unknown {
    return {
      name: this.Name,
      ...omitEmpty({ version: this.Version }),
      repository: this.Repository,
      ...omitEmpty({ condition: this.Condition, tags: this.Tags, enabled: this.Enabled, 'import-values': this.ImportValues, alias: this.Alias }),
    };
  }
}

/** `.Chart`: chart.Metadata plus IsRoot. */
export class ChartInfo extends GoStruct {
  Name: string;
  Home: string;
  Sources: string[];
  Version: string;
  Description: string;
  Keywords: string[];
  Maintainers: Maintainer[];
  Icon: string;
  APIVersion: string;
  Condition: string;
  Tags: string;
  AppVersion: string;
  Deprecated: boolean;
  Annotations: GoMap;
  KubeVersion: string;
  Dependencies: Dependency[];
  Type: string;
  IsRoot: boolean;
  constructor(md: ChartMetadata, isRoot: boolean) {
    super();
    this.Name = md.name;
    this.Home = md.home ?? '';
    this.Sources = md.sources ?? [];
    this.Version = md.version;
    this.Description = md.description ?? '';
    this.Keywords = md.keywords ?? [];
    this.Maintainers = (md.maintainers ?? []).map((m) => new Maintainer(m));
    this.Icon = md.icon ?? '';
    this.APIVersion = md.apiVersion;
    this.Condition = md.condition ?? '';
    this.Tags = md.tags ?? '';
    this.AppVersion = md.appVersion ?? '';
    this.Deprecated = md.deprecated ?? false;
    this.Annotations = { ...(md.annotations ?? {}) };
    this.KubeVersion = md.kubeVersion ?? '';
    this.Dependencies = (md.dependencies ?? []).map((d) => new Dependency(d));
    this.Type = md.type ?? '';
    this.IsRoot = isRoot;
  }
  toJSON(): unknown {
    return {
      ...omitEmpty({
        name: this.Name,
        home: this.Home,
        sources: this.Sources,
        version: this.Version,
        description: this.Description,
        keywords: this.Keywords,
        maintainers: this.Maintainers,
        icon: this.Icon,
        apiVersion: this.APIVersion,
        condition: this.Condition,
        tags: this.Tags,
        appVersion: this.AppVersion,
        deprecated: this.Deprecated,
        annotations: this.Annotations,
        kubeVersion: this.KubeVersion,
        dependencies: this.Dependencies,
        type: this.Type,
      }),
      IsRoot: this.IsRoot,
    };
  }
}

export class KubeVersion extends GoStruct {
  constructor(
    public Version: string,
    public Major: string,
    public Minor: string,
  ) {
    super();
  }
  String(): string {
    return this.Version;
  }
  GitVersion(): string {
    return this.Version;
  }
  override toString(): string {
    return this.Version;
  }
}

/** `chartutil.ParseKubeVersion`: `1.30` → v1.30.0. */
export function parseKubeVersion(v: string): KubeVersion {
  const sv = parseVersion(v);
  if (!sv) throw new HelmError(`invalid kube version '${v}': Invalid Semantic Version`);
  const [core] = sv.split(/[-+]/);
  const [major, minor] = core!.split('.');
  return new KubeVersion(`v${sv}`, major!, minor!);
}

/** `chartutil.VersionSet`: a []string with `Has`. */
export class VersionSet extends Array<string> {
  Has(apiVersion: string): boolean {
    return this.includes(apiVersion);
  }
  static from2(items: string[]): VersionSet {
    const v = new VersionSet();
    v.push(...items);
    return v;
  }
  // Array methods (map, filter) must build plain arrays, not VersionSets.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export class BuildInfo extends GoStruct {
  Version = 'v3.17.2';
  GitCommit = 'cc0bbbd6d6276b83880042c1ecb34087e84d41eb';
  GitTreeState = 'clean';
  GoVersion = 'go1.23.7';
  toJSON(): unknown {
    return omitEmpty({ version: this.Version, git_commit: this.GitCommit, git_tree_state: this.GitTreeState, go_version: this.GoVersion });
  }
}

export class Capabilities extends GoStruct {
  constructor(
    public KubeVersion: KubeVersion,
    public APIVersions: VersionSet,
    public HelmVersion: BuildInfo,
  ) {
    super();
  }
  toJSON(): unknown {
    return { KubeVersion: this.KubeVersion, APIVersions: [...this.APIVersions], HelmVersion: this.HelmVersion };
  }
}

/** The API versions `helm template` assumes (Helm 3.17.2's client-go scheme), in its order. */
export const DEFAULT_API_VERSIONS = [
  'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1', 'apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1',
  'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2', 'batch/v1', 'batch/v1beta1',
  'certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1', 'certificates.k8s.io/v1alpha1', 'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1', 'events.k8s.io/v1',
  'events.k8s.io/v1beta1', 'extensions/v1beta1', 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3', 'networking.k8s.io/v1', 'networking.k8s.io/v1alpha1',
  'networking.k8s.io/v1beta1', 'node.k8s.io/v1', 'node.k8s.io/v1alpha1', 'node.k8s.io/v1beta1', 'policy/v1', 'policy/v1beta1',
  'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1', 'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3', 'scheduling.k8s.io/v1alpha1', 'scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1', 'storage.k8s.io/v1', 'storage.k8s.io/v1alpha1', 'storagemigration.k8s.io/v1alpha1',
  'apiextensions.k8s.io/v1beta1', 'apiextensions.k8s.io/v1',
] as const;

/** `helm template`'s default Kubernetes version. */
export const DEFAULT_KUBE_VERSION = 'v1.32.0';
