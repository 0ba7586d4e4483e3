import { ValidationArguments, ValidationTypes, ValidatorConstraintInterface, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** Whether an instance of a DTO passes every rule of its class; false also means "not sure". */
export type FastCheck = (dto: Record<string, unknown>) => boolean;

interface Rule {
  meta: ValidationMetadata;
  instance: ValidatorConstraintInterface;
}

interface PropertyRules {
  conditions: ValidationMetadata[];
  constraints: Rule[];
}

const SUPPORTED = new Set<string>([ValidationTypes.CUSTOM_VALIDATION, ValidationTypes.CONDITIONAL_VALIDATION, ValidationTypes.WHITELIST]);

/**
 * Compiles the class-validator rules of a DTO into one synchronous function that calls the very
 * same constraint validators with the same arguments, without class-validator's per-call
 * machinery (metadata lookups, a promise and an error object per rule): on the accept path that
 * machinery cost more than everything else the gateway does for a request but the database.
 *
 * It only ever says "valid" for a value class-validator accepts too: unknown properties, rules
 * of a kind not listed in SUPPORTED (nested objects, IsDefined, groups), an asynchronous
 * constraint or any failed rule answer false, and the caller then runs the full validation,
 * which also writes the error messages. Returns null for a class it cannot compile at all.
 */
export function compileFastCheck(target: new (...args: never[]) => object): FastCheck | null {
  const metas = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false, undefined);
  if (metas.length === 0) return null;
  const rules = new Map<string, PropertyRules>();
  for (const meta of metas) {
    if (!SUPPORTED.has(meta.type) || (meta.groups && meta.groups.length > 0) || meta.always) return null;
    let r = rules.get(meta.propertyName);
    if (!r) rules.set(meta.propertyName, (r = { conditions: [], constraints: [] }));
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) r.conditions.push(meta);
    else if (meta.type === ValidationTypes.CUSTOM_VALIDATION) {
      const custom = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
      if (custom.length !== 1 || custom[0].async) return null;
      r.constraints.push({ meta, instance: custom[0].instance });
    }
  }
  const properties = [...rules.entries()];
  const targetName = target.name;

  // as class-validator calls them: `each` applies the rule to every item, with the whole value in args
  const passes = (c: Rule, dto: object, property: string, value: unknown): boolean => {
    const args: ValidationArguments = { targetName, property, object: dto, value, constraints: c.meta.constraints };
    if (c.meta.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      const items: unknown[] = value instanceof Map ? [...value.values()] : [...value];
      return items.every((item) => c.instance.validate(item, args) === true);
    }
    return c.instance.validate(value, args) === true;
  };

  return (dto) => {
    for (const key of Object.keys(dto)) if (!rules.has(key)) return false; // whitelist: the full run names it
    for (const [property, r] of properties) {
      const value = dto[property];
      // ValidateIf / IsOptional: a false condition skips the property's other rules
      if (r.conditions.some((c) => !(c.constraints[0] as (o: object, v: unknown) => boolean)(dto, value))) continue;
      for (const c of r.constraints) if (!passes(c, dto, property, value)) return false;
    }
    return true;
  };
}
