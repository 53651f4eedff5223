/**
 * ExternalArtifacts have no actor: their producer writes them. When the producer is one of this
 * engine's ArtifactGenerators, it tells the consumers itself once the status is written. For any
 * other producer (a controller of one's own, Flux's source-watcher next to fluxion) this watch
 * turns a new `status.artifact.revision` into `source.revisionChanged` for the Kustomizations and
 * HelmReleases that reference the ExternalArtifact, as kustomize- and helm-controller watch them.
 */
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { keyOf, refOf } from '../api/meta.js';
import type { ExternalArtifact } from '../api/kinds/external-artifact.js';
import type { Cluster, Watch } from '../cluster/types.js';
import type { Supervisor } from '../runtime/supervisor.js';

const EXTERNAL_ARTIFACT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact' } as const;

export class ExternalArtifactWatcher {
  /** Last revision seen per ExternalArtifact key. */
  private readonly revisions = new Map<string, string | undefined>();
  private watch: Watch | undefined;
  private running = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly supervisor: Supervisor,
    private readonly namespace?: string,
    private readonly onError: (message: string, err: unknown) => void = () => undefined,
  ) {}

  /** Lists the ExternalArtifacts (their current revisions wake nobody) and keeps watching. */
  async start(): Promise<void> {
    if (!(await this.cluster.resourceFor(EXTERNAL_ARTIFACT.apiVersion, EXTERNAL_ARTIFACT.kind))) return;
    this.running = true;
    let resourceVersion = await this.relist();
    const loop = async (): Promise<void> => {
      while (this.running) {
        let gone = false;
        const watch = await this.cluster.watch({ ...EXTERNAL_ARTIFACT, resourceVersion, ...(this.namespace ? { namespace: this.namespace } : {}) }, (event) => {
          if (event.type === 'ERROR') {
            gone = true;
            return;
          }
          if (event.type === 'BOOKMARK') return;
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'DELETED') this.revisions.delete(keyOf(refOf(event.object)));
          else this.observe(event.object as ExternalArtifact);
        });
        this.watch = watch;
        // Stopped while the watch was being opened.
        if (!this.running) watch.stop();
        await watch.done;
        if (!this.running) return;
        if (gone) resourceVersion = await this.relist();
      }
    };
    void loop().catch((err: unknown) => this.onError('watching ExternalArtifacts failed', err));
  }

  stop(): void {
    this.running = false;
    this.watch?.stop();
  }

  private async relist(): Promise<string> {
    const list = await this.cluster.list({ ...EXTERNAL_ARTIFACT, ...(this.namespace ? { namespace: this.namespace } : {}) });
    for (const o of list.items) this.revisions.set(keyOf(refOf(o)), (o as ExternalArtifact).status?.artifact?.revision);
    return list.resourceVersion;
  }

  /** Whether an ArtifactGenerator of this engine makes the artifact (it notifies by itself). */
  private producedHere(ea: ExternalArtifact): boolean {
    const src = ea.spec?.sourceRef;
    if (src?.kind !== 'ArtifactGenerator') return false;
    const ref: ObjectRef = { apiVersion: src.apiVersion ?? 'source.extensions.fluxcd.io/v1beta1', kind: src.kind, name: src.name, namespace: src.namespace ?? ea.metadata.namespace ?? 'default' };
    return this.supervisor.actorFor(ref) !== undefined;
  }

  private observe(obj: KubeObject): void {
    const ea = obj as ExternalArtifact;
    const ref = refOf(ea);
    const key = keyOf(ref);
    const revision = ea.status?.artifact?.revision;
    const before = this.revisions.get(key);
    this.revisions.set(key, revision);
    if (!revision || revision === before || this.producedHere(ea)) return;
    for (const k of this.supervisor.router.referrersOf(ref)) {
      const target = this.supervisor.router.refOf(k);
      if (target) this.supervisor.send(target, { type: 'source.revisionChanged', revision, source: ref });
    }
  }
}
