/**
 * Conformance cases this engine does not pass yet, with the reason. The conformance test asserts
 * each still differs, so a fix forces its removal here; docs/kustomize.md lists the same cases.
 */
export const KNOWN_UNSUPPORTED: Record<string, string> = {
  TestNameReferenceDeploymentIssue3489_0: "refers above its root, which only the test's in-memory filesystem allows (kubectl fails too)",
};
