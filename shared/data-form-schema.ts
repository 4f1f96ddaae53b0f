// The XEP-0004 data-form model as zod schemas with the bounds remote forms must keep (data-form.ts has the
// constants, the functions and the reasons). Engine and contract only: the page imports data-form.ts.
import { z } from 'zod';
import { FIELD_TYPES, FORM_LIMITS, FORM_TYPES, SAFE_MEDIA_TYPES, safeDataUri } from './data-form.ts';

const value = z.string().max(FORM_LIMITS.valueChars);
const label = z.string().max(FORM_LIMITS.labelChars);

export const formOptionSchema = z.object({ label: label.nullable(), value });
export type FormOption = z.infer<typeof formOptionSchema>;

/**
 * XEP-0122: `datatype` as given ('xs:string' when absent; unknown ones are checked as strings); `method`
 * 'regex' keeps no pattern (see the top of this file). `min`/`max` belong to 'range'; `listMin`/`listMax`
 * to <list-range/> (how many values a multi-value field takes).
 */
export const fieldValidationSchema = z.object({
  datatype: z.string().max(100),
  method: z.enum(['basic', 'open', 'range', 'regex']),
  min: value.nullable(),
  max: value.nullable(),
  listMin: z.number().int().min(0).nullable(),
  listMax: z.number().int().min(0).nullable(),
});
export type FieldValidation = z.infer<typeof fieldValidationSchema>;

/** An inline picture (XEP-0221 with a data: URI of a safe type); nothing else of media is kept. */
export const formMediaSchema = z.object({
  type: z.enum(SAFE_MEDIA_TYPES),
  dataUri: z
    .string()
    .max(FORM_LIMITS.mediaChars)
    .refine((uri) => safeDataUri(uri) !== null, { message: 'not a safe inline image' }),
  width: z.number().int().min(1).max(4_096).nullable(),
  height: z.number().int().min(1).max(4_096).nullable(),
});
export type FormMedia = z.infer<typeof formMediaSchema>;

export const formFieldSchema = z.object({
  /** The field's name; null only for 'fixed' fields (§3.2: var is required for the others). */
  var: z.string().max(FORM_LIMITS.labelChars).nullable(),
  type: z.enum(FIELD_TYPES),
  label: label.nullable(),
  desc: z.string().max(FORM_LIMITS.descChars).nullable(),
  required: z.boolean(),
  options: z.array(formOptionSchema).max(FORM_LIMITS.optionsPerField),
  values: z.array(value).max(FORM_LIMITS.valuesPerField),
  validation: fieldValidationSchema.nullable(),
  media: formMediaSchema.nullable(),
});
export type FormField = z.infer<typeof formFieldSchema>;

export const dataFormSchema = z.object({
  type: z.enum(FORM_TYPES),
  title: label.nullable(),
  instructions: z.array(z.string().max(FORM_LIMITS.descChars)).max(FORM_LIMITS.instructions),
  fields: z.array(formFieldSchema).max(FORM_LIMITS.fields),
  /** A result form's table (§3.4): its columns, then one row of fields per item. */
  reported: z.array(formFieldSchema).max(FORM_LIMITS.reportedFields),
  items: z.array(z.array(formFieldSchema).max(FORM_LIMITS.reportedFields)).max(FORM_LIMITS.items),
});
export type DataForm = z.infer<typeof dataFormSchema>;
