import { sourceOptionsSchema } from '../../src/data/read-source';
import type { SourceOptions } from '../../src/data/read-source';

describe('sourceOptionsSchema', () => {
  it('is a draft-07 object schema with a title and description for every option of SourceOptions', () => {
    expect(sourceOptionsSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(sourceOptionsSchema.additionalProperties).toBe(false);
    const every: Required<SourceOptions> = { format: 'csv', encoding: 'auto', delimiter: ',', quote: '"', header: true, missing: [], types: {} };
    expect(Object.keys(sourceOptionsSchema.properties).sort()).toEqual(Object.keys(every).sort());
    for (const property of Object.values(sourceOptionsSchema.properties)) {
      expect(property.title).toEqual(expect.any(String));
      expect(property.description.length).toBeGreaterThan(20);
    }
  });

  it('documents the defaults the reader applies', () => {
    expect(sourceOptionsSchema.properties.missing.default).toEqual(['', 'NA', 'N/A', 'null', 'NaN', '-']);
    expect(sourceOptionsSchema.properties.encoding.default).toBe('auto');
    expect(sourceOptionsSchema.properties.types.additionalProperties.enum).toContain('string');
  });
});
