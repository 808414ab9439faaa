// Node helpers of the sopc JavaScript runtime.
import type { Bundle, Scenario } from "./index.js";

export function loadBundleFile(path: string, options?: { verifyDigest?: boolean }): Promise<Bundle>;
export function loadScenariosFile(path: string): Promise<{ format: "sopc-scenarios"; format_version: string; bundle_digest: string; scenarios: Scenario[] }>;
