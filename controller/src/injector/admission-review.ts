import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import type { SidecarConfig } from "../config/injector-config.ts";
import { decideInjection } from "./injection-decision.ts";
import { imageFor, sidecarPatch } from "./sidecar-patch.ts";

const ADMISSION_API_VERSION = "admission.k8s.io/v1";

/** The parts of an AdmissionReview v1 request the injector reads. */
const AdmissionReviewSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal("AdmissionReview"),
  request: z.object({
    uid: z.string().min(1),
    kind: z.object({ kind: z.string() }).partial().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.string().optional(),
    object: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
});

export type AdmissionRequest = z.output<typeof AdmissionReviewSchema>["request"];

export interface AdmissionResponse {
  uid: string;
  allowed: true;
  patchType?: "JSONPatch";
  /** base64 of the JSON patch */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}

/** A body that is not an AdmissionReview v1: the server answers 400 with this message. */
export class MalformedReviewError extends Error {
  override readonly name = "MalformedReviewError";
}

/** Parses a request body; throws MalformedReviewError naming the first bad field. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  const parsed = AdmissionReviewSchema.safeParse(body);
  if (parsed.success) return parsed.data.request;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  throw new MalformedReviewError(`not an ${ADMISSION_API_VERSION} AdmissionReview: ${field}: ${issue?.message ?? "invalid"}`);
}

/** Wraps a response in an AdmissionReview. */
export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

/** What the handler decided for one review (for the log line; never carries the pod spec). */
export interface AdmissionOutcome {
  review: AdmissionReviewResponse;
  injected: boolean;
  reason: string;
  namespace: string;
}

export interface AdmissionSettings {
  sidecar: SidecarConfig;
  native: boolean;
  controllerNamespace: string;
}

/**
 * Answers one admission request (pure): a Pod CREATE that should get the sidecar gets a JSON
 * patch; anything else is allowed unchanged. The injector never denies.
 */
export function admitPod(request: AdmissionRequest, settings: AdmissionSettings): AdmissionOutcome {
  const pod = (request.object ?? {}) as V1Pod;
  const namespace = request.namespace ?? pod.metadata?.namespace ?? "";
  const allow = (reason: string, warning?: string): AdmissionOutcome => ({
    review: reviewResponse({ uid: request.uid, allowed: true, ...(warning === undefined ? {} : { warnings: [warning] }) }),
    injected: false,
    reason,
    namespace,
  });
  if (request.kind?.kind !== "Pod" || request.operation !== "CREATE") return allow(`not a Pod CREATE`);
  const decision = decideInjection(pod, { namespace, controllerNamespace: settings.controllerNamespace });
  if (!decision.inject) return allow(decision.reason, decision.warning);
  const operations = sidecarPatch(pod, { sidecar: settings.sidecar, image: imageFor(pod, settings.sidecar.image), native: settings.native });
  const patch = Buffer.from(JSON.stringify(operations)).toString("base64");
  return { review: reviewResponse({ uid: request.uid, allowed: true, patchType: "JSONPatch", patch }), injected: true, reason: "injected", namespace };
}
