/** `npm run bench:optim`: only the whole-solve rows of bench/optim.ts, printed as markdown. */
import { optimRows } from "./optim.js";

console.log(await optimRows());
