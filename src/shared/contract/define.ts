/** Building blocks for the contract: a command pairs an input schema with its result type. */
import { z } from 'zod';

/** A command: renderer → engine, with a zod schema for the untrusted input and a typed output. */
export interface CommandDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  /** Phantom field that carries the output type; never set at run time. */
  readonly __output?: O;
}

/** Declares a command: `command<Output>()(inputSchema)`; curried so the output type can be named alone. */
export const command =
  <O>() =>
  <I extends z.ZodType>(input: I): CommandDef<I, O> => ({ input });

/** The parsed input type of a command definition, after defaults are applied. */
export type ParsedInputOf<C> = C extends CommandDef<infer I, unknown> ? z.output<I> : never;

/** The output type of a command definition. */
export type OutputOf<C> = C extends CommandDef<z.ZodType, infer O> ? O : never;

/**
 * A partial-update schema for an object schema whose fields have defaults. Plain `.partial()` would
 * still fill every omitted field with its default, so a patch of one field would reset all the others.
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodType<Partial<z.output<z.ZodObject<T>>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional()]),
  );
  return z.object(shape).strict() as unknown as z.ZodType<Partial<z.output<z.ZodObject<T>>>>;
}
