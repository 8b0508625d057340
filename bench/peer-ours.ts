/** cotangent (float64). */
import type { Peer } from "./cases.js";

export const oursPeer: Peer = {
  name: "cotangent",
  precision: "float64",
  runner() {
    return "not yet";
  },
};
