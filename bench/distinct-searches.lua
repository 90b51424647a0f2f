-- wrk: pages of searches the app server has not kept. Each picks one of the searches given
-- after `--` and a page from 2 to 500 at random (addresses are read up to page 500; kept
-- searches are keyed by their page too, and a page past the last shows the last). What
-- their words and filters find, counted, is kept after the first (256 per app server until
-- the next write), so each request reads its page's texts and renders them; an app server
-- keeps 256 whole searches, so about one request in twenty of a run (256 of the 9 x 499
-- addresses) can find its page kept (bench/search.sh runs this before new words fill
-- them).
local searches = {}

function init(args)
  searches = args
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  local search = searches[math.random(#searches)]
  local join = search:find("?", 1, true) and "&" or "?"
  return wrk.format(nil, search .. join .. "page=" .. math.random(2, 500))
end
