import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import serviceSchema from '../../src/lib/feeds/data-inclusion-v1/service.json' with { type: 'json' };
import structureSchema from '../../src/lib/feeds/data-inclusion-v1/structure.json' with { type: 'json' };

/** JSON Schema validators of the data·inclusion v1 structure and service (ajv + formats). */
export function validators() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return { structure: ajv.compile(structureSchema), service: ajv.compile(serviceSchema) };
}
