-- wrk: every request a search the app server has not kept yet. Each picks one of the
-- searches given after `--` and a page at random; kept searches are keyed by their page
-- too, and a page past the last shows the last, so each request does all of a search's
-- work (finding, counting the facets, ranking) for an address nobody asked for before.
local searches = {}

function init(args)
  searches = args
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  local search = searches[math.random(#searches)]
  local join = search:find("?", 1, true) and "&" or "?"
  return wrk.format(nil, search .. join .. "page=" .. math.random(1, 1000000))
end
