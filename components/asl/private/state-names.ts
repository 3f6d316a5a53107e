// State names are unique across a whole definition, Parallel branches and Map item processors
// included. The renderer (on the graph of states) and the checker (on raw ASL) both record each
// name here and report a clash in their own words.

/** Where each state name was last seen. */
export class StateNames<Place> {
    private readonly places = new Map<string, Place>();

    /** Records `name` at `place`; returns where it was seen before, if it was. */
    record(name: string, place: Place): Place | undefined {
        const before = this.places.get(name);
        this.places.set(name, place);
        return before;
    }
}
