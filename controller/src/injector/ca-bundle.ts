import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { AdmissionregistrationV1Api } from "@kubernetes/client-node";
import { httpStatus } from "./kube-errors.ts";

/** What syncing the caBundle did. */
export type CaBundleSync = "patched" | "unchanged" | "missing";

/**
 * Makes every webhook of the MutatingWebhookConfiguration `name` trust `caPem` (JSON patch; each
 * changed index guarded by a `test` of the webhook's name so a concurrent edit fails instead of
 * patching the wrong entry). A configuration that does not exist (yet) is reported, not created:
 * the chart owns it.
 */
export async function syncCaBundle(admission: AdmissionregistrationV1Api, options: { name: string; caPem: string }): Promise<CaBundleSync> {
  let configuration;
  try {
    configuration = await admission.readMutatingWebhookConfiguration({ name: options.name });
  } catch (error) {
    if (httpStatus(error) === 404) return "missing";
    throw error;
  }
  const desired = Buffer.from(options.caPem, "utf8").toString("base64");
  const operations = (configuration.webhooks ?? []).flatMap((webhook, index) =>
    webhook.clientConfig.caBundle === desired
      ? []
      : [
          { op: "test", path: `/webhooks/${index}/name`, value: webhook.name },
          { op: "add", path: `/webhooks/${index}/clientConfig/caBundle`, value: desired },
        ],
  );
  if (operations.length === 0) return "unchanged";
  await admission.patchMutatingWebhookConfiguration({ name: options.name, body: operations, fieldManager: "loomcycle-controller" }, setHeaderOptions("Content-Type", PatchStrategy.JsonPatch));
  return "patched";
}
