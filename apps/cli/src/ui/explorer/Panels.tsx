import { Box, Text } from "ink";
import { cell } from "./cells.js";

const HELP_LINES: readonly (readonly [string, string])[] = [
  ["↑ ↓  k j", "move"],
  ["PgUp PgDn  space", "page"],
  ["Home End  g G", "first, last"],
  ["Enter  →", "open the deltaspace: its files in version order"],
  ["s z o a n", "sort by savings, stored size, objects, reference age, name (again: reverse)"],
  ["/", "filter by name (Enter keeps it, Esc clears it)"],
  ["v", "verify: rebuild and check the SHA-256 (a deltaspace: every file)"],
  ["d", "download to a path you type (a deltaspace: into a folder)"],
  ["x", "delete, after a confirmation naming what goes"],
  ["r", "refresh: recompute the figures (the cache is ignored)"],
  ["q  Esc", "back; quit from the table"],
  ["ctrl-c", "quit"],
];

/** The keys, in place of the list (`?`). */
export function HelpPanel({ capacity }: { readonly capacity: number }) {
  return (
    <Box flexDirection="column" height={capacity + 1}>
      <Text bold>Keys</Text>
      {HELP_LINES.slice(0, capacity).map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Text color="cyan">{cell(keys, 18)}</Text> {what}
        </Text>
      ))}
    </Box>
  );
}

/** The delete confirmation, in place of the list: what goes, and y/n. */
export function DeletePanel(props: {
  readonly lines: readonly string[];
  readonly capacity: number;
}) {
  return (
    <Box flexDirection="column" height={props.capacity + 1}>
      <Text bold color="red">
        Delete
      </Text>
      {props.lines.map((line) => (
        <Text key={line} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text> </Text>
      <Text bold>y delete · n keep</Text>
    </Box>
  );
}
