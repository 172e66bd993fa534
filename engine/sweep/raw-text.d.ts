/** A file imported as text (`?raw`, read by Vite and Vitest): the sweep tests read the documented examples. */
declare module '*?raw' {
  const text: string;
  export default text;
}
