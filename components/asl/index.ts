export * from "./states";
export * from "./render";
export * from "./check";
