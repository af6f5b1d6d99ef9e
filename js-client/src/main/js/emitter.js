// ---- emitter.js: a small event emitter (on/once/off/emit, listeners) ----

class Emitter {
  constructor() {
    this._listeners = new Map();
  }

  on(event, fn) {
    let list = this._listeners.get(event);
    if (!list) this._listeners.set(event, (list = []));
    list.push(fn);
    return this;
  }

  addEventListener(event, fn) {
    return this.on(event, fn);
  }

  once(event, fn) {
    const wrapper = (...args) => {
      this.off(event, wrapper);
      fn.apply(this, args);
    };
    wrapper.fn = fn;
    return this.on(event, wrapper);
  }

  off(event, fn) {
    if (event === undefined) {
      this._listeners.clear();
      return this;
    }
    if (fn === undefined) {
      this._listeners.delete(event);
      return this;
    }
    const list = this._listeners.get(event);
    if (list) {
      const i = list.findIndex((l) => l === fn || l.fn === fn);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this._listeners.delete(event);
    }
    return this;
  }

  removeListener(event, fn) {
    return this.off(event, fn);
  }

  removeAllListeners(event) {
    return this.off(event);
  }

  removeEventListener(event, fn) {
    return this.off(event, fn);
  }

  emit(event, ...args) {
    const list = this._listeners.get(event);
    if (list) {
      for (const fn of list.slice()) fn.apply(this, args);
    }
    return this;
  }

  // Same as emit; the Socket overrides emit for user events and keeps this one for its own.
  emitReserved(event, ...args) {
    return Emitter.prototype.emit.call(this, event, ...args);
  }

  listeners(event) {
    return (this._listeners.get(event) || []).map((l) => l.fn || l);
  }

  hasListeners(event) {
    return this.listeners(event).length > 0;
  }
}

// Subscribes and returns the function that unsubscribes.
function on(target, event, fn) {
  target.on(event, fn);
  return () => target.off(event, fn);
}
