/**
 * Unique, deterministic column names (C5): an empty name becomes `column_<position>`, a repeated one
 * `<name>_2`, `<name>_3`, …, skipping any name already taken, so `id,value,value,,value_1` gives
 * `id, value, value_2, column_4, value_1`. Every rename is reported.
 */
export function uniqueColumnNames(raw: readonly string[]): { names: string[]; warnings: string[] } {
  const trimmed = raw.map((name) => name.trim());
  const taken = new Set(trimmed.filter((name) => name !== ''));
  const used = new Set<string>();
  const warnings: string[] = [];
  const names = trimmed.map((name, index) => {
    if (name !== '' && !used.has(name)) {
      used.add(name);
      return name;
    }
    const base = name === '' ? `column_${index + 1}` : name;
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    used.add(candidate);
    taken.add(candidate);
    warnings.push(
      name === ''
        ? `column ${index + 1} has no header name; it is called \`${candidate}\``
        : `header \`${name}\` appears more than once; column ${index + 1} is called \`${candidate}\``,
    );
    return candidate;
  });
  return { names, warnings };
}
