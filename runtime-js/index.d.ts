// Types of the sopc JavaScript runtime (docs/runtime.md).

export const BUNDLE_FORMAT: "sopc-runtime";
export const FORMAT_VERSION: string;
export const SESSION_FORMAT: "sopc-session";
export const SESSION_VERSION: string;
export const MIN_SESSION_VERSION: string;
export const HANDED_OFF: "handed-off";
export const QUESTION: "question";
export const WAITING: "waiting";
export const ENDED: "ended";

export type Status = "question" | "waiting" | "ended" | "running";
export type Fact = string | number | boolean;
export type Facts = Record<string, Fact>;

export interface Source { path: string; line: number; col: number }
export interface Duration { amount: number; unit: "minutes" | "hours" | "days" | "business_days" | "weeks"; text: string }

export type Condition =
  | { input: string; op: "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "in"; value: Fact | Fact[]; measure?: "days_since" | "business_days_since" }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export interface Input {
  id: string; type: "text" | "yesno" | "choice" | "number" | "date"; label: string; help: string | null;
  required: boolean; source: "caller" | "agent" | "system" | null; values: string[];
}

export interface Step {
  id: string; kind: "action" | "wait" | "decision" | "end" | "handoff" | "repeat"; title: string; do: string | null;
  callouts: { kind: string; text: string }[];
  scripts: { mode: "say" | "send" | "voicemail"; title: string | null; template: string }[];
  records: { title: string | null; system: string | null; action: string; fields: { name: string; templates: string[]; multiple: boolean }[] }[];
  gaps: string[];
  wait: { duration: Duration | null; until: string | null } | null;
  next: string | null;
  decision: { ask: string; input: string | null; options: { label: string; goto: string; condition: Condition | null; otherwise: boolean }[] } | null;
  outcome: string | null;
  handoff: { to: string; target: "sop" | "procedure"; then: string | null } | null;
  repeat: { back_to: string; max_attempts: number; every: Duration | null; within: Duration | null } | null;
  source: Source;
}

export interface Sop {
  id: string; title: string; summary: string | null; purpose: string | null; owner: string | null; revision: string | null;
  reviewed: string | null; tags: string[]; channels: string[]; gaps: string[]; links: { title: string; url: string }[];
  inputs: Input[]; start: string; steps: Step[]; source: Source;
}

export interface Procedure { id: string; title: string; url: string | null; summary: string | null; source: Source }

export interface BundleData {
  format: "sopc-runtime"; format_version: string; min_runtime_version: string;
  generator: { name: string; version: string }; entry: string | null;
  sops: Record<string, Sop>; procedures: Record<string, Procedure>; digest: string;
}

export class Bundle {
  /** From JSON text (exact) or bytes, or an object parsed elsewhere. Refuses what this runtime cannot run. */
  static load(source: string | Uint8Array | ArrayBuffer | object, options?: { verifyDigest?: boolean }): Promise<Bundle>;
  /** The part of one SOP (a site's `bundles/<id>.json`): its hand-offs to other SOPs are in their own parts. */
  static loadPart(source: string | Uint8Array | ArrayBuffer | object, sopId: string, options?: { verifyDigest?: boolean }): Promise<Bundle>;
  /** One bundle of loaded parts, the first its entry; every hand-off must lead to one of them. */
  static combine(parts: Bundle[]): Bundle;
  readonly data: BundleData;
  readonly digest: string | null;
  readonly sops: Record<string, Sop>;
  readonly procedures: Record<string, Procedure>;
  sop(sopId: string): Sop;
  step(sopId: string, stepId: string): Step;
  hasStep(sopId: string, stepId: string): boolean;
  inputDef(name: string, sopId?: string | null): Input | null;
  labels(sopId: string): Record<string, string>;
  coerce(name: string, value: unknown, sopId?: string | null): Fact;
}

export interface RenderedRecord { title: string; system: string | null; action: string; fields: { name: string; values: string[]; multiple: boolean }[] }

/** A step as the walk showed it: every template filled with the facts known then (plain text). */
export interface Visit {
  sop: string; step: string; kind: Step["kind"]; title: string; do: string | null;
  callouts: { kind: string; text: string }[];
  scripts: { mode: string; title: string | null; text: string }[];
  records: RenderedRecord[];
  gaps: string[];
  ask: string | null;
}

export interface Waiting { for: Duration | null; until: string | null; reason: "wait" | "repeat" }

export interface View extends Partial<Visit> {
  status: Status; outcome: string | null; waiting: Waiting | null;
  options: { number: number; label: string }[];
  needs: { id: string; label: string; type: Input["type"]; values: string[] }[];
}

export interface Frame { sop: string; step: string }
export interface Edge { sop: string; source: string; target: string; kind: "next" | "option" | "repeat" | "return"; label: string | null }

export interface SessionState {
  format: "sopc-session"; format_version: string; min_runtime_version: string; bundle_digest: string | null;
  today: string; status: Status; frames: Frame[]; pending: { do: "enter"; step: string } | { do: "flow" } | null;
  facts: Facts; counters: Record<string, Record<string, number>>; log: Visit[]; edges: Edge[];
  decisions: { sop: string; step: string; label: string; by: "agent" | "facts" }[];
  handoffs: { sop: string; step: string; to: string; target: "sop" | "procedure" }[];
  waiting: Waiting | null; outcome: string | null; end: Frame | null;
}

export class Session {
  /** Start a walk; `today` is YYYY-MM-DD (the local date by default). */
  static start(bundle: Bundle, sopId: string, facts?: Record<string, unknown>, today?: string): Session;
  /** Restore a saved session (text or object) on the bundle it was started with. */
  static fromJSON(bundle: Bundle, text: string | object): Session;
  readonly bundle: Bundle;
  readonly today: string;
  status: Status;
  facts: Facts;
  frames: Frame[];
  counters: Record<string, Record<string, number>>;
  log: Visit[];
  edges: Edge[];
  decisions: SessionState["decisions"];
  handoffs: SessionState["handoffs"];
  waiting: Waiting | null;
  outcome: string | null;
  end: Frame | null;
  readonly path: [string, string][];
  readonly records: RenderedRecord[];
  readonly scripts: Visit["scripts"];
  /** Answer the pending question by label (as written) or number (from 1). */
  choose(answer: string | number): void;
  /** Learn a fact; a pending question it decides is answered at once. */
  supply(name: string, value: unknown): void;
  /** The wait is over: go on. */
  resume(): void;
  view(): View;
  state(): SessionState;
  toJSON(): string;
}

export function renderStep(bundle: Bundle, sopId: string, stepId: string, facts: Facts): Visit;
export function evaluate(condition: Condition, facts: Facts, today: string, needs?: Set<string>): boolean | null;
export function fill(template: string | null, facts: Facts, labels: Record<string, string>): string | null;
export function factText(value: Fact): string;
export function canonicalText(data: object): string;
export function digestOf(canonical: string): Promise<string>;

export interface Scenario { sop: string; name?: string; today?: string | null; inputs?: Record<string, unknown>; answers?: string[]; expect?: Record<string, unknown> }
export function runScenario(bundle: Bundle, scenario: Scenario): {
  passed: boolean; failures: string[]; path: string[]; outcome: string | null; end: string | null; records: string[]; scripts: string[];
};

export class SopcRuntimeError extends Error {}
export class RuntimeFormatError extends SopcRuntimeError {}
export class SessionFormatError extends RuntimeFormatError {}
export class UnknownSopError extends SopcRuntimeError {}
export class AnswerError extends SopcRuntimeError {}
export class FactError extends SopcRuntimeError {}
export class SessionStateError extends SopcRuntimeError {}
export class FlowError extends SopcRuntimeError {}
