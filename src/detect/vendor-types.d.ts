// Types for unicode-confusables 0.1.1, whose package names a declaration file it does not ship.
declare module 'unicode-confusables' {
  interface Confusable {
    point: string;
    similarTo?: string;
  }
  const api: {
    isConfusing(s: string): boolean;
    confusables(s: string): Confusable[];
    rectifyConfusion(s: string): string;
  };
  export default api;
}
